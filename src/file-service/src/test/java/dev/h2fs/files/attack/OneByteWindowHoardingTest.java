package dev.h2fs.files.attack;

import static dev.h2fs.files.attack.RawH2.SETTINGS_INITIAL_WINDOW_SIZE;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import dev.h2fs.files.TestFiles;
import dev.h2fs.files.api.StreamBuffers;

/**
 * One-byte-window hoarding of streamed downloads: as {@link ZeroWindowDownloadHoardingTest}, but the client opens each
 * stream's window by one byte, which makes the stream writable, so the server reads a 256 KiB chunk for it that the
 * client will not take. Per stream that is one chunk; across streams and connections
 * {@code h2fs.files.cache.stream-buffer-budget} bounds it (2 MiB here, 64 MiB by default): the other downloads wait
 * for budget, holding nothing. A chunk not taken within {@code h2fs.files.cache.stream-stall-timeout} (4 s here,
 * 60 s by default) resets its stream, and everything held comes back when the client goes.
 * <p>
 * Heap (measured): ~+2 MiB for 200 such streams (the budget); without the budget, one chunk per stream: +50 MiB.
 */
@QuarkusTest
@TestProfile(OneByteWindowHoardingTest.SmallStreamBudget.class)
class OneByteWindowHoardingTest {

    /** A 2 MiB budget (eight chunks of 256 KiB); a chunk not taken within 4 s ends its response. */
    public static class SmallStreamBudget implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("h2fs.files.cache.stream-buffer-budget", "2M",
                    "h2fs.files.cache.stream-stall-timeout", "4S");
        }
    }

    private static final int STREAMS_PER_CONNECTION = 100;
    private static final long STALL_TIMEOUT_MILLIS = 4_000;
    private static final int FILE_SIZE = 17 * 1024 * 1024 + 7; // above the default max-mapped-file-size of 16M

    @TestHTTPResource("/")
    URL base;

    @Inject
    StreamBuffers buffers;

    @Test
    void oneByteWindowsPinNoMoreThanTheStreamBufferBudget() throws Exception {
        String name = TestFiles.name("one-byte-windows");
        byte[] content = TestFiles.bytes(FILE_SIZE, 22);
        TestFiles.upload(name, content).then().statusCode(201);
        try (WellBehavedClient bystander = new WellBehavedClient(base)) {
            bystander.assertServed();
            HeapProbe heap = new HeapProbe("one-byte-window hoarding of streamed downloads");
            try (RawH2 first = new RawH2(base.getHost(), base.getPort());
                    RawH2 second = new RawH2(base.getHost(), base.getPort())) {
                for (RawH2 attacker : new RawH2[] { first, second }) {
                    attacker.preface().settings(SETTINGS_INITIAL_WINDOW_SIZE, 0);
                    for (int i = 0; i < STREAMS_PER_CONNECTION; i++) {
                        attacker.get(1 + 2 * i, "/files/" + name, true);
                    }
                    attacker.flush();
                    Thread.sleep(200); // the streams exist before their windows open
                    for (int i = 0; i < STREAMS_PER_CONNECTION; i++) {
                        attacker.windowUpdate(1 + 2 * i, 1);
                    }
                    attacker.flush();
                }
                Thread.sleep(1_500);
                bystander.assertServed();
                long pinned = heap.sample(2 * STREAMS_PER_CONNECTION + " streams with one-byte windows");
                assertEquals(0, buffers.available(), "the attack should have taken the whole budget");
                // One chunk per stream would be 50 MiB; the budget is 2 MiB.
                assertTrue(pinned < 12L << 20, "heap grew by " + pinned);
                // Still connected: a stream whose chunk is not taken within the stall timeout is reset.
                RawH2.Frame reset = first.readUntil(f -> f.type() == RawH2.RST_STREAM || f.type() == RawH2.GOAWAY,
                        STALL_TIMEOUT_MILLIS + 4_000);
                assertNotNull(reset, "connection closed instead of a stream reset");
                assertEquals(RawH2.RST_STREAM, reset.type());
                assertEquals(RawH2.CANCEL, reset.errorCode());
            }
            // The client is gone: its chunks come back, and a large download is served in full again.
            awaitFullBudget();
            assertEquals(TestFiles.sha256(content), TestFiles.sha256(given().get("/files/" + name).asByteArray()));
            awaitFullBudget();
            bystander.assertServed();
        }
    }

    private void awaitFullBudget() throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (buffers.available() != buffers.budget() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(buffers.budget(), buffers.available(), "budget not given back");
    }
}

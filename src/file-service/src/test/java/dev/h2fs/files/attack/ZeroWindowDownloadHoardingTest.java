package dev.h2fs.files.attack;

import static dev.h2fs.files.attack.RawH2.DATA;
import static dev.h2fs.files.attack.RawH2.END_STREAM;
import static dev.h2fs.files.attack.RawH2.GOAWAY;
import static dev.h2fs.files.attack.RawH2.HEADERS;
import static dev.h2fs.files.attack.RawH2.SETTINGS_INITIAL_WINDOW_SIZE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.h2fs.files.TestFiles;

/**
 * Zero-window hoarding of streamed downloads: a client asks for a file too large to be mapped (it is streamed from
 * disk in chunks of {@code h2fs.files.cache.stream-chunk-size}, 256 KiB) on a hundred streams per connection, and never
 * opens their flow-control windows. Reading a chunk for a stream that cannot take it would pin 256 KiB of heap per
 * stream, for as long as the client likes (measured before the fix: 10 connections, 264 MiB). A stream's next chunk is
 * read only when the stream can take it, so these streams hold no chunk, and a stream whose window opens is served.
 * <p>
 * Heap (measured): ~0 MiB for 200 stalled streams.
 */
@QuarkusTest
class ZeroWindowDownloadHoardingTest {

    private static final int STREAMS_PER_CONNECTION = 100;
    private static final int FILE_SIZE = 17 * 1024 * 1024 + 5; // above the default max-mapped-file-size of 16M

    @TestHTTPResource("/")
    URL base;

    @Test
    void streamsOfALargeFileAtWindowZeroHoldNoChunks() throws Exception {
        String name = TestFiles.name("hoarded");
        TestFiles.upload(name, TestFiles.bytes(FILE_SIZE, 21)).then().statusCode(201);
        String path = "/files/" + name;
        try (WellBehavedClient bystander = new WellBehavedClient(base);
                RawH2 first = new RawH2(base.getHost(), base.getPort());
                RawH2 second = new RawH2(base.getHost(), base.getPort())) {
            bystander.assertServed();
            HeapProbe heap = new HeapProbe("zero-window hoarding of streamed downloads");
            for (RawH2 attacker : new RawH2[] { first, second }) {
                attacker.preface().settings(SETTINGS_INITIAL_WINDOW_SIZE, 0);
                for (int i = 0; i < STREAMS_PER_CONNECTION; i++) {
                    attacker.get(1 + 2 * i, path, true);
                }
                attacker.flush();
            }
            Thread.sleep(1_500); // every stream's first step has run on a worker by now
            bystander.assertServed();
            long stalled = heap.sample(2 * STREAMS_PER_CONNECTION + " streams at window 0");
            // One chunk per stream would be 50 MiB.
            assertTrue(stalled < 12L << 20, "heap grew by " + stalled + " with every window closed");

            // The client opens one stream's window (and the connection's): that stream is served in full.
            first.windowUpdate(0, 64 << 20).windowUpdate(1, 64 << 20).flush();
            AtomicLong received = new AtomicLong();
            AtomicInteger status = new AtomicInteger();
            RawH2.Frame last = first.readUntil(f -> {
                if (f.type() == GOAWAY) {
                    return true;
                }
                if (f.stream() != 1) {
                    return false;
                }
                if (f.type() == HEADERS) {
                    status.set(RawH2.status(f));
                } else if (f.type() == DATA) {
                    received.addAndGet(f.payload().length);
                }
                return (f.flags() & END_STREAM) != 0;
            }, 20_000);
            assertNotNull(last, "connection closed while stream 1 was being served");
            assertEquals(1, last.stream(), "GOAWAY instead of stream 1's end");
            assertEquals(200, status.get());
            assertEquals(FILE_SIZE, received.get());
            bystander.assertServed();
        }
    }
}

package dev.h2fs.files.attack;

import static dev.h2fs.files.attack.RawH2.HEADERS;
import static dev.h2fs.files.attack.RawH2.REFUSED_STREAM;
import static dev.h2fs.files.attack.RawH2.RST_STREAM;
import static dev.h2fs.files.attack.RawH2.SETTINGS_INITIAL_WINDOW_SIZE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Too many concurrent streams: {@code h2fs.transport.http2.max-concurrent-streams} (default 100) is announced and
 * enforced from the first frame on (Netty does not wait for the client's SETTINGS ACK): the 101st open stream is
 * refused with RST_STREAM(REFUSED_STREAM), the 100 others and the connection carry on.
 * <p>
 * The client announces a zero initial window so that the 100 responses cannot finish and their streams stay open.
 * Heap (measured): ~+0.3 MiB for 100 open streams with responses waiting (the bodies are mapped file slices, off
 * heap), ~0 after the connection closes.
 */
@QuarkusTest
class TooManyConcurrentStreamsTest {

    @TestHTTPResource("/")
    URL base;

    @Test
    void the101stConcurrentStreamIsRefused() throws Exception {
        try (WellBehavedClient bystander = new WellBehavedClient(base);
                RawH2 attacker = new RawH2(base.getHost(), base.getPort())) {
            String path = bystander.path();
            bystander.assertServed();
            HeapProbe heap = new HeapProbe("101 concurrent streams");
            attacker.preface().settings(SETTINGS_INITIAL_WINDOW_SIZE, 0);
            for (int i = 0; i < 100; i++) {
                attacker.get(1 + 2 * i, path, true);
            }
            // Every one of the 100 gets its response headers (its body waits for a window that never opens).
            Set<Integer> answered = new HashSet<>();
            while (answered.size() < 100) {
                RawH2.Frame f = attacker.readUntil(x -> x.type() == HEADERS || x.type() == RST_STREAM, 5_000);
                assertNotNull(f, "connection closed with " + answered.size() + " streams answered");
                assertEquals(HEADERS, f.type(), "stream " + f.stream() + " reset");
                answered.add(f.stream());
            }
            attacker.get(201, path, true);
            RawH2.Frame refused = attacker.readUntil(x -> x.stream() == 201, 5_000);
            assertNotNull(refused, "connection closed instead of refusing the stream");
            assertEquals(RST_STREAM, refused.type());
            assertEquals(REFUSED_STREAM, refused.errorCode());
            long during = heap.sample("100 streams open, 101st refused");
            RapidResetTest.assertAlive(attacker);
            bystander.assertServed();
            attacker.close();
            heap.sample("after the close");
            assertTrue(during < HeapProbe.BOUND, "heap grew by " + during);
        }
    }
}

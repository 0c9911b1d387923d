package dev.h2fs.files.attack;

import static dev.h2fs.files.attack.RawH2.ENHANCE_YOUR_CALM;
import static dev.h2fs.files.attack.RawH2.GOAWAY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * PING flood and SETTINGS flood (CVE-2019-9512, CVE-2019-9515): a client that makes the server queue acknowledgements
 * and never reads them. Netty counts the acknowledgements not yet written to the socket and, at 10,000
 * ({@code Http2CodecUtil.DEFAULT_MAX_QUEUED_CONTROL_FRAMES}; Vert.x 4.5 does not let us change it), sends
 * GOAWAY(ENHANCE_YOUR_CALM) and closes. The GOAWAY queues behind the unread acknowledgements and is usually lost with
 * the close, so the test accepts either it or the close, and asserts the close happens.
 * <p>
 * Heap (measured): ~+1 MiB at most while 10,000 acknowledgements are queued (a 17-byte buffer, a promise and an
 * outbound-buffer entry each), ~0 after the close.
 */
@QuarkusTest
class ControlFrameFloodTest {

    @TestHTTPResource("/")
    URL base;

    @Test
    void pingFloodIsCutOff() throws Exception {
        flood("PING flood", attacker -> attacker.ping(42));
    }

    @Test
    void settingsFloodIsCutOff() throws Exception {
        flood("SETTINGS flood", attacker -> attacker.settings());
    }

    interface Frame {
        void send(RawH2 attacker) throws IOException;
    }

    private void flood(String attack, Frame frame) throws Exception {
        try (WellBehavedClient bystander = new WellBehavedClient(base);
                // A tiny receive buffer: the acknowledgements back up into the server quickly.
                RawH2 attacker = new RawH2(base.getHost(), base.getPort(), 4_096)) {
            bystander.assertServed();
            HeapProbe heap = new HeapProbe(attack);
            attacker.preface().flush();
            AtomicLong sent = new AtomicLong();
            Thread flooder = new Thread(() -> {
                try {
                    while (sent.get() < 5_000_000) {
                        frame.send(attacker);
                        sent.incrementAndGet();
                    }
                    attacker.flush();
                } catch (IOException closedOnUs) {
                    // the end we are waiting for
                }
            }, "flooder");
            flooder.start();
            flooder.join(20_000);
            if (flooder.isAlive()) {
                attacker.close();
                fail(attack + ": still accepted after " + sent.get() + " frames");
            }
            System.out.printf("[flood] %s: server closed after %d frames%n", attack, sent.get());
            bystander.assertServed();
            // What the client can still read: acknowledgements, maybe the GOAWAY, then the end.
            RawH2.Frame last = null;
            try {
                RawH2.Frame f;
                while ((f = attacker.readUntil(x -> true, 5_000)) != null) {
                    last = f;
                    if (f.type() == GOAWAY) {
                        assertEquals(ENHANCE_YOUR_CALM, f.errorCode());
                    }
                }
            } catch (SocketTimeoutException e) {
                fail(attack + ": connection still open, last frame " + last);
            }
            long after = heap.sample("after the close");
            assertTrue(after < HeapProbe.BOUND, "heap grew by " + after);
        }
    }
}

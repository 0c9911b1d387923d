package dev.h2fs.files.attack;

import static dev.h2fs.files.attack.RawH2.ACK;
import static dev.h2fs.files.attack.RawH2.CANCEL;
import static dev.h2fs.files.attack.RawH2.ENHANCE_YOUR_CALM;
import static dev.h2fs.files.attack.RawH2.PING;
import static dev.h2fs.files.attack.RawH2.PROTOCOL_ERROR;
import static dev.h2fs.files.attack.RawH2.RST_STREAM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Rapid reset (CVE-2023-44487) and its server-provoked twin "MadeYouReset" (CVE-2025-8671), with the default limit
 * {@code h2fs.transport.http2.rst-flood-max-per-window=200} per {@code rst-flood-window=30S}: below it the connection
 * lives, one reset beyond it brings GOAWAY(ENHANCE_YOUR_CALM), and other clients are served before, during and after.
 * <p>
 * Heap (measured, JDK 17, G1): ~+0.1 MiB while 150 reset streams' worth of state is open, back to ~0 after; the
 * per-stream state is freed when each stream is reset, so the cost does not grow with the burst.
 */
@QuarkusTest
class RapidResetTest {

    /** Rapid resets per loop test; without the lingering close, over TLS, at least one of them lost its GOAWAY. */
    static final int TRIES = 25;

    @TestHTTPResource("/")
    URL base;

    @Test
    void rapidResetGetsEnhanceYourCalmAndOthersAreServed() throws Exception {
        try (WellBehavedClient bystander = new WellBehavedClient(base);
                RawH2 attacker = new RawH2(base.getHost(), base.getPort())) {
            bystander.assertServed();
            HeapProbe heap = new HeapProbe("rapid reset");
            attacker.preface();
            int stream = 1;
            for (int i = 0; i < 150; i++, stream += 2) {
                attacker.get(stream, "/files/missing", true).rst(stream, CANCEL);
            }
            assertAlive(attacker);
            bystander.assertServed();
            long during = heap.sample("150 streams opened and reset, connection open");

            for (int i = 0; i < 100; i++, stream += 2) {
                attacker.get(stream, "/files/missing", true).rst(stream, CANCEL);
            }
            attacker.assertGoAwayThenClose(ENHANCE_YOUR_CALM);
            bystander.assertServed();
            heap.sample("after GOAWAY");
            assertTrue(during < HeapProbe.BOUND, "heap grew by " + during);
        }
    }

    /**
     * The GOAWAY is read before the connection goes, on every try: the server shuts its side after the GOAWAY and
     * reads (and drops) the rest of the flood before it closes, so no reset overtakes the GOAWAY.
     */
    @Test
    void rapidResetGoAwayIsReadBeforeTheCloseOnEveryTry() throws Exception {
        RapidResetTries.assertGoAwayReadOnEveryTry(TRIES, () -> new RawH2(base.getHost(), base.getPort()));
    }

    /** MadeYouReset: each WINDOW_UPDATE with increment 0 on an open stream makes the server send RST_STREAM. */
    @Test
    void madeYouResetGetsEnhanceYourCalmAndOthersAreServed() throws Exception {
        try (WellBehavedClient bystander = new WellBehavedClient(base);
                RawH2 attacker = new RawH2(base.getHost(), base.getPort())) {
            bystander.assertServed();
            HeapProbe heap = new HeapProbe("MadeYouReset");
            attacker.preface();
            attacker.get(1, "/files/missing", false).windowUpdate(1, 0);
            RawH2.Frame reset = attacker.readUntil(f -> f.type() == RST_STREAM && f.stream() == 1, 5_000);
            assertNotNull(reset, "the server did not reset the stream");
            assertEquals(PROTOCOL_ERROR, reset.errorCode());
            int stream = 3;
            for (int i = 0; i < 150; i++, stream += 2) {
                attacker.get(stream, "/files/missing", false).windowUpdate(stream, 0);
            }
            assertAlive(attacker);
            bystander.assertServed();
            long during = heap.sample("151 provoked resets, connection open");

            for (int i = 0; i < 100; i++, stream += 2) {
                attacker.get(stream, "/files/missing", false).windowUpdate(stream, 0);
            }
            attacker.assertGoAwayThenClose(ENHANCE_YOUR_CALM);
            bystander.assertServed();
            heap.sample("after GOAWAY");
            assertTrue(during < HeapProbe.BOUND, "heap grew by " + during);
        }
    }

    /** A PING round trip: the connection is open and its loop is answering. */
    static void assertAlive(RawH2 connection) throws Exception {
        connection.ping(0x1234);
        RawH2.Frame pong = connection.readUntil(f -> f.type() == PING && (f.flags() & ACK) != 0, 5_000);
        assertNotNull(pong, "connection closed under the limit");
    }
}

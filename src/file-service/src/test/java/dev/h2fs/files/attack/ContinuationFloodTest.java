package dev.h2fs.files.attack;

import static dev.h2fs.files.attack.RawH2.CONTINUATION;
import static dev.h2fs.files.attack.RawH2.END_STREAM;
import static dev.h2fs.files.attack.RawH2.ENHANCE_YOUR_CALM;
import static dev.h2fs.files.attack.RawH2.HEADERS;
import static dev.h2fs.files.attack.RawH2.PROTOCOL_ERROR;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * CONTINUATION flood (VU#421644, 2024): a header block that never ends. Small frames are cut by
 * {@code h2fs.transport.http2.max-small-continuation-frames} (16), large ones by the header block bound (1.25 x
 * {@code max-header-list-size}, i.e. 10 KiB with the 8 KiB default). Neither buffers more than that bound.
 * <p>
 * Heap (measured): below +0.1 MiB while the flood runs, ~0 after: at most one 10 KiB header block is held.
 */
@QuarkusTest
class ContinuationFloodTest {

    @TestHTTPResource("/")
    URL base;

    @Test
    void continuationFloodOfSmallFramesGetsEnhanceYourCalm() throws Exception {
        try (WellBehavedClient bystander = new WellBehavedClient(base);
                RawH2 attacker = new RawH2(base.getHost(), base.getPort())) {
            bystander.assertServed();
            HeapProbe heap = new HeapProbe("CONTINUATION flood, small frames");
            attacker.preface();
            // HEADERS without END_HEADERS, then CONTINUATION frames without END_HEADERS, forever.
            attacker.frame(HEADERS, END_STREAM, 1, RawH2.request("GET", "/files/missing"));
            byte[] fragment = new byte[100];
            Arrays.fill(fragment, (byte) 0x40);
            sendUntilClosed(attacker, 1, fragment, 1_000);
            attacker.assertGoAwayThenClose(ENHANCE_YOUR_CALM);
            bystander.assertServed();
            long after = heap.sample("after GOAWAY");
            assertTrue(after < HeapProbe.BOUND, "heap grew by " + after);
        }
    }

    @Test
    void continuationFloodOfLargeFramesIsCutAtTheHeaderBlockBound() throws Exception {
        try (WellBehavedClient bystander = new WellBehavedClient(base);
                RawH2 attacker = new RawH2(base.getHost(), base.getPort())) {
            bystander.assertServed();
            HeapProbe heap = new HeapProbe("CONTINUATION flood, 9000-byte frames");
            attacker.preface();
            attacker.frame(HEADERS, END_STREAM, 1, RawH2.request("GET", "/files/missing"));
            sendUntilClosed(attacker, 1, new byte[9_000], 200);
            attacker.assertGoAwayThenClose(PROTOCOL_ERROR);
            bystander.assertServed();
            long after = heap.sample("after GOAWAY");
            assertTrue(after < HeapProbe.BOUND, "heap grew by " + after);
        }
    }

    /** Sends up to {@code count} CONTINUATION frames; stops quietly when the server has closed on us. */
    private static void sendUntilClosed(RawH2 attacker, int stream, byte[] fragment, int count) {
        try {
            for (int i = 0; i < count; i++) {
                attacker.frame(CONTINUATION, 0, stream, fragment);
            }
            attacker.flush();
        } catch (IOException closedOnUs) {
            // expected: the server gave up on us mid-flood
        }
    }
}

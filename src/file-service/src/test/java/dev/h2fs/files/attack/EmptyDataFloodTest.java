package dev.h2fs.files.attack;

import static dev.h2fs.files.attack.RawH2.DATA;
import static dev.h2fs.files.attack.RawH2.END_HEADERS;
import static dev.h2fs.files.attack.RawH2.ENHANCE_YOUR_CALM;
import static dev.h2fs.files.attack.RawH2.HEADERS;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Empty DATA flood (CVE-2019-9518): DATA frames without payload or END_STREAM cost the server a frame each and the
 * client nothing. Netty allows 2 in a row ({@code decoderEnforceMaxConsecutiveEmptyDataFrames}'s default, which
 * Vert.x 4.5 does not expose); the third is a connection error ENHANCE_YOUR_CALM.
 * <p>
 * Heap (measured): ~0 MiB: nothing is buffered for an empty frame.
 */
@QuarkusTest
class EmptyDataFloodTest {

    @TestHTTPResource("/")
    URL base;

    @Test
    void emptyDataFloodGetsEnhanceYourCalm() throws Exception {
        try (WellBehavedClient bystander = new WellBehavedClient(base);
                RawH2 attacker = new RawH2(base.getHost(), base.getPort())) {
            bystander.assertServed();
            HeapProbe heap = new HeapProbe("empty DATA flood");
            attacker.preface();
            // An upload whose body never comes: the request waits for DATA.
            attacker.frame(HEADERS, END_HEADERS, 1, RawH2.request("POST", "/files", "content-type",
                    "multipart/form-data; boundary=x"));
            try {
                for (int i = 0; i < 1_000; i++) {
                    attacker.frame(DATA, 0, 1, new byte[0]);
                }
                attacker.flush();
            } catch (IOException closedOnUs) {
                // expected
            }
            attacker.assertGoAwayThenClose(ENHANCE_YOUR_CALM);
            bystander.assertServed();
            long after = heap.sample("after GOAWAY");
            assertTrue(after < HeapProbe.BOUND, "heap grew by " + after);
        }
    }
}

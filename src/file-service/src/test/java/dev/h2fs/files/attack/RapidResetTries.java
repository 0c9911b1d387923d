package dev.h2fs.files.attack;

import static dev.h2fs.files.attack.RawH2.CANCEL;
import static dev.h2fs.files.attack.RawH2.ENHANCE_YOUR_CALM;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The rapid-reset client that found the server's GOAWAY lost (over TLS, a bare close in 1 try of 12): 1,000 HEADERS +
 * RST_STREAM pairs written as fast as the socket takes them, on a fresh connection per try. Each try must read
 * GOAWAY(ENHANCE_YOUR_CALM) before the connection ends, and the connection must then end in order (the server's FIN),
 * not in a reset: a server that closes a socket with the flood still unread makes the kernel send RST, which drops
 * what the server had not yet sent and fails the client's next write (a JDK TLS socket then gives up reading too).
 * <p>
 * Every try runs; the assertion names each one that failed and how, so a run shows the rate, not only the first miss.
 * <p>
 * Confined to the test thread.
 */
final class RapidResetTries {

    /** HEADERS + RST_STREAM pairs per try: five times the limit, so the server gives up with most of them unread. */
    static final int PAIRS = 1_000;

    /** Opens a fresh connection that speaks HTTP/2 (the preface is still to be sent). */
    interface Connector {
        RawH2 open() throws Exception;
    }

    private RapidResetTries() {
    }

    /** Runs {@code tries} rapid resets, each on a connection from {@code connector}, and asserts each read GOAWAY. */
    static void assertGoAwayReadOnEveryTry(int tries, Connector connector) throws Exception {
        List<String> failures = new ArrayList<>();
        for (int attempt = 1; attempt <= tries; attempt++) {
            try (RawH2 attacker = connector.open()) {
                String failure = oneTry(attacker);
                if (failure != null) {
                    failures.add("try " + attempt + ": " + failure);
                }
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " of " + tries + " tries failed: " + failures);
    }

    /** @return null when the GOAWAY was read and the connection then ended in order; otherwise what happened */
    private static String oneTry(RawH2 attacker) throws Exception {
        String sending = "all " + PAIRS + " pairs sent";
        try {
            attacker.preface();
            int stream = 1;
            for (int i = 0; i < PAIRS; i++, stream += 2) {
                attacker.get(stream, "/files/missing", true).rst(stream, CANCEL);
            }
            attacker.flush();
        } catch (IOException cutOff) {
            sending = "sending cut off (" + cutOff.getMessage() + ")";
        }
        RawH2.Frame goAway;
        try {
            goAway = attacker.awaitGoAway(5_000);
        } catch (IOException e) {
            return sending + ", then reading failed before any GOAWAY: " + e;
        }
        if (goAway == null) {
            return sending + ", then the connection ended without GOAWAY" + (attacker.wasReset() ? " (reset)" : "");
        }
        if (goAway.errorCode() != ENHANCE_YOUR_CALM) {
            return sending + ", then GOAWAY with error code " + goAway.errorCode();
        }
        try {
            if (!attacker.closedWithin(5_000)) {
                return sending + ", GOAWAY read, but the connection stayed open";
            }
        } catch (IOException e) {
            return sending + ", GOAWAY read, then reading failed: " + e;
        }
        return attacker.endedInOrder() ? null : sending + ", GOAWAY read, then the connection was reset";
    }
}

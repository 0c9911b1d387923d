package dev.h2fs.files.attack;

import static dev.h2fs.files.attack.SlowReaderTest.millisSince;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Idle connections: an HTTP/2 connection that completed its preface and then says nothing is closed after
 * {@code h2fs.transport.idle-timeout} (5 s in {@link AttackProfile}, 120 s by default; Vert.x's idle handler).
 * <p>
 * Heap (measured): ~0 MiB per idle connection beyond the codec's fixed state (a few KiB).
 */
@QuarkusTest
@TestProfile(AttackProfile.class)
class IdleConnectionTest {

    @TestHTTPResource("/")
    URL base;

    @Test
    void idleHttp2ConnectionIsClosedAfterTheIdleTimeout() throws Exception {
        try (RawH2 idle = new RawH2(base.getHost(), base.getPort())) {
            idle.preface();
            RapidResetTest.assertAlive(idle);
            long start = System.nanoTime();
            assertTrue(idle.closedWithin(AttackProfile.IDLE_TIMEOUT_MILLIS + 3_000), "idle connection kept");
            long elapsed = millisSince(start);
            assertTrue(elapsed >= AttackProfile.IDLE_TIMEOUT_MILLIS - 500, "closed too early: " + elapsed + " ms");
        }
    }
}

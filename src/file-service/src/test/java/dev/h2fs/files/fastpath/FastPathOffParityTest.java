package dev.h2fs.files.fastpath;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * {@link FastPathParityTest} with {@code h2fs.transport.fast-path.enabled=false}: the switch turns the fast path off
 * (no request is counted on it) and h2c through Vert.x's HTTP server answers as HTTP/1.1 does.
 */
@QuarkusTest
@TestProfile(FastPathOffParityTest.FastPathOff.class)
class FastPathOffParityTest extends FastPathParityTest {

    public static class FastPathOff implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("h2fs.transport.fast-path.enabled", "false", "h2fs.files.dir", "target/test-store-vertx");
        }
    }

    @Override
    boolean fastPathOn() {
        return false;
    }
}

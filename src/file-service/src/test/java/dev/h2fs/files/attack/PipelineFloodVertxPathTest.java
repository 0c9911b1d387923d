package dev.h2fs.files.attack;

import java.util.HashMap;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * {@link PipelineFloodTest} with the REST fast path off: every request is Vert.x's, whose HTTP/1.x connection serves
 * pipelined requests whatever the client reads; the transport's handler in front of it keeps the bound (44,307
 * answers queued in 4 s without it).
 */
@QuarkusTest
@TestProfile(PipelineFloodVertxPathTest.FastPathOff.class)
class PipelineFloodVertxPathTest extends PipelineFloodTest {

    public static class FastPathOff extends AttackProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> overrides = new HashMap<>(super.getConfigOverrides());
            overrides.put("h2fs.transport.fast-path.enabled", "false");
            return overrides;
        }
    }
}

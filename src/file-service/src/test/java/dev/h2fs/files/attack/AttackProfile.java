package dev.h2fs.files.attack;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The one profile of the attack tests that need short limits (each profile restarts Quarkus): request head and write
 * stall timeouts of 2 s; idle timeout 5 s, far enough above them that Vert.x's idle handler never races the guard
 * (which acts up to two heartbeats late; a client that does not read is idle too); heartbeats every 500 ms (a quarter
 * of the 2 s {@code stall-timeout}); uploads up to 1 MiB. One worker, so the attacker and the well-behaved client share a loop: a defence that blocked the loop would
 * show.
 */
public class AttackProfile implements QuarkusTestProfile {

    static final long REQUEST_HEADER_TIMEOUT_MILLIS = 2_000;
    static final long WRITE_STALL_TIMEOUT_MILLIS = 2_000;
    static final long IDLE_TIMEOUT_MILLIS = 5_000;
    static final long HEARTBEAT_MILLIS = 500;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "h2fs.transport.guard.request-header-timeout", "2S",
                "h2fs.transport.guard.write-stall-timeout", "2S",
                "h2fs.transport.idle-timeout", "5S",
                "h2fs.transport.stall-timeout", "2S",
                "h2fs.transport.threads", "1",
                "h2fs.files.max-upload-size", "1M",
                "h2fs.files.dir", "target/test-store-attack");
    }
}

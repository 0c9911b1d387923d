package dev.h2fs.transport.guard;

import java.time.Duration;

import dev.h2fs.transport.TransportConfig;

/**
 * The time limits a {@link ConnectionGuard} enforces, in nanoseconds; {@code 0} disables a limit.
 * <p>
 * Thread: any (immutable).
 *
 * @param requestHeaderNanos longest wait for a complete request head (HTTP/1.1) or connection preface (HTTP/2)
 * @param writeStallNanos longest time response bytes may wait without any of them leaving
 * @param idleNanos longest time a connection may go without reading or writing a byte
 */
public record GuardLimits(long requestHeaderNanos, long writeStallNanos, long idleNanos) {

    /** No limit at all: connections get no guard. */
    public static final GuardLimits DISABLED = new GuardLimits(0, 0, 0);

    public GuardLimits {
        if (requestHeaderNanos < 0 || writeStallNanos < 0 || idleNanos < 0) {
            throw new IllegalArgumentException("negative guard limit");
        }
    }

    /** @return the limits of {@code h2fs.transport.guard.*} */
    public static GuardLimits of(TransportConfig config) {
        return of(config.guard().requestHeaderTimeout(), config.guard().writeStallTimeout(), config.idleTimeout());
    }

    /** @return limits from durations ({@code 0} disables one) */
    public static GuardLimits of(Duration requestHeaderTimeout, Duration writeStallTimeout, Duration idleTimeout) {
        return new GuardLimits(requestHeaderTimeout.toNanos(), writeStallTimeout.toNanos(), idleTimeout.toNanos());
    }

    /** @return whether any limit is set, i.e. whether connections need a guard */
    public boolean enabled() {
        return requestHeaderNanos > 0 || writeStallNanos > 0 || idleNanos > 0;
    }
}

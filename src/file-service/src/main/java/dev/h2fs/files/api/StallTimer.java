package dev.h2fs.files.api;

import io.vertx.core.Vertx;

/**
 * Runs an action if a write is not taken by the client within a time, for one streamed download: armed when a chunk is
 * handed to the response, disarmed when the write completes. One timer at a time; a Vert.x timer, so nothing is
 * scheduled per byte, and nothing at all when disabled.
 * <p>
 * Thread-safe: {@link #arm} and {@link #disarm} may be called from any thread (Vert.x timers are); they alternate,
 * one write at a time, as {@link StreamedBodySender} uses them.
 */
final class StallTimer {

    private final Vertx vertx;
    private final long millis;
    private volatile long timer = -1;

    /** @param millis the time a write may take; 0 disables the timer */
    StallTimer(Vertx vertx, long millis) {
        this.vertx = vertx;
        this.millis = millis;
    }

    /** Runs {@code onStall} (on an event loop) unless {@link #disarm} comes first. */
    void arm(Runnable onStall) {
        if (millis > 0) {
            timer = vertx.setTimer(millis, id -> onStall.run());
        }
    }

    void disarm() {
        long id = timer;
        if (id >= 0) {
            timer = -1;
            vertx.cancelTimer(id);
        }
    }
}

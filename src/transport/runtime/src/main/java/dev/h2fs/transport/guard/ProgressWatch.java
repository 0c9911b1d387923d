package dev.h2fs.transport.guard;

/**
 * Tells how long something that should move has not: fed on each heartbeat with whether work is waiting and a
 * counter that grows when work gets done. Waiting with an unchanged counter is a stall; it is measured from the first
 * heartbeat that saw it, so a stall is reported between one and two heartbeat periods late.
 * <p>
 * Thread: confined to the owning connection's loop (not asserted: a pure value holder).
 */
final class ProgressWatch {

    private long lastMark;
    private boolean stalled;
    private long stalledSince;

    /**
     * @param nowNanos the heartbeat's clock
     * @param waiting whether work is waiting to be done
     * @param mark a counter of work done; any change counts as progress
     * @return for how long, in nanoseconds, work has waited without progress; {@code 0} when it has not
     */
    long observe(long nowNanos, boolean waiting, long mark) {
        boolean moved = mark != lastMark;
        lastMark = mark;
        if (!waiting || moved) {
            stalled = false;
            return 0;
        }
        if (!stalled) {
            stalled = true;
            stalledSince = nowNanos;
            return 0;
        }
        return nowNanos - stalledSince;
    }
}

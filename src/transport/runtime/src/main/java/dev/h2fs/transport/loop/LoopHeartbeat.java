package dev.h2fs.transport.loop;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.netty.channel.EventLoop;

/**
 * Proves an event loop still runs tasks: a small task scheduled on the loop stamps the time; health checks compare
 * that stamp with the clock. A loop that is dead, or wedged in one long task, stops stamping.
 * <p>
 * Thread: {@link #start} and {@link #stop} from any thread (Netty scheduling is thread-safe); the beat runs on the
 * loop; {@link #isStalled} and {@link #sinceLastBeat} from any thread.
 */
public final class LoopHeartbeat {

    private final EventLoop loop;
    private final Runnable onBeat;
    private volatile long lastBeatNanos = System.nanoTime();
    private volatile ScheduledFuture<?> schedule;

    /**
     * @param loop the loop to watch
     * @param onBeat extra work done on each beat, on the loop (may be a no-op)
     */
    public LoopHeartbeat(EventLoop loop, Runnable onBeat) {
        this.loop = loop;
        this.onBeat = onBeat;
    }

    /** Starts beating every {@code period}. */
    public void start(Duration period) {
        long periodMillis = Math.max(1, period.toMillis());
        lastBeatNanos = System.nanoTime();
        schedule = loop.scheduleAtFixedRate(this::beat, 0, periodMillis, TimeUnit.MILLISECONDS);
    }

    private void beat() {
        assert loop.inEventLoop();
        lastBeatNanos = System.nanoTime();
        onBeat.run();
    }

    /** Stops beating; the loop is then reported stalled after the timeout. */
    public void stop() {
        ScheduledFuture<?> current = schedule;
        if (current != null) {
            current.cancel(false);
        }
    }

    /** @return time since the loop last ran its beat */
    public Duration sinceLastBeat() {
        return Duration.ofNanos(System.nanoTime() - lastBeatNanos);
    }

    /** @return whether the loop is shut down or has not beaten within {@code timeout} */
    public boolean isStalled(Duration timeout) {
        return loop.isShuttingDown() || sinceLastBeat().compareTo(timeout) > 0;
    }
}

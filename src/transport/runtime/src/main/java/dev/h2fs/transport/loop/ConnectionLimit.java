package dev.h2fs.transport.loop;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.channel.EventLoop;

/**
 * The transport's bound on open connections ({@code h2fs.transport.max-connections}), after Jetty's
 * {@code ConnectionLimit} and Helidon's {@code maxTcpConnections}: at the limit the listeners stop accepting, and the
 * connections that keep arriving wait in the kernel's backlog instead of being reset or failing {@code accept()} with
 * EMFILE; the first close below the limit resumes accepting. Every connection counts from its accept to its close,
 * including those still queued to a worker.
 * <p>
 * The limit is checked after each accept, so a listener may take up to one read batch (Netty's 16 accepts) past it
 * before it pauses.
 * <p>
 * Thread-safe.
 */
public final class ConnectionLimit {

    /** What the default keeps for files, uploads and the JVM: a quarter of the descriptors free at start-up. */
    private static final int DEFAULT_SHARE_PERCENT = 75;

    private final AtomicInteger open = new AtomicInteger();
    private final List<Runnable> belowLimit = new CopyOnWriteArrayList<>();
    private volatile int max = Integer.MAX_VALUE;

    /**
     * The default limit: three quarters of the file descriptors this process has free now (its limit less those
     * open), so that connections cannot starve the files, uploads and jars the process also needs.
     *
     * @return the default, or {@link Integer#MAX_VALUE} where the platform does not say (not Unix)
     */
    public static int defaultLimit() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (!(os instanceof com.sun.management.UnixOperatingSystemMXBean unix)) {
            return Integer.MAX_VALUE;
        }
        try {
            return defaultLimit(unix.getMaxFileDescriptorCount(), unix.getOpenFileDescriptorCount());
        } catch (RuntimeException unknown) {
            return Integer.MAX_VALUE; // some native-image versions throw where getrlimit fails
        }
    }

    /**
     * @param maxFds the process's descriptor limit; 0, negative or {@link Long#MAX_VALUE} when unknown or unlimited
     * @param openFds descriptors open now
     * @return three quarters of those free, at least 1; {@link Integer#MAX_VALUE} when the limit is unknown
     */
    static int defaultLimit(long maxFds, long openFds) {
        if (maxFds <= 0 || maxFds == Long.MAX_VALUE) {
            return Integer.MAX_VALUE;
        }
        long free = maxFds - Math.max(0, openFds);
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, free / 100 * DEFAULT_SHARE_PERCENT
                + free % 100 * DEFAULT_SHARE_PERCENT / 100));
    }

    /** Sets the most connections open at once; at least 1. */
    public void limit(int connections) {
        if (connections < 1) {
            throw new IllegalArgumentException(
                    "h2fs.transport.max-connections must be at least 1, was " + connections);
        }
        max = connections;
    }

    /** @return the most connections open at once */
    public int limit() {
        return max;
    }

    /** Registers what resumes a listener once a close takes the count below the limit (any thread calls it). */
    void onBelowLimit(Runnable resume) {
        belowLimit.add(resume);
    }

    /**
     * A connection was accepted.
     *
     * @return whether the limit is reached now: the caller stops accepting
     */
    boolean opened() {
        return open.incrementAndGet() >= max;
    }

    /** A connection closed; the first close below the limit resumes the listeners. */
    void closed() {
        int before = open.getAndDecrement();
        if (before >= max && before - 1 < max) {
            belowLimit.forEach(Runnable::run);
        }
    }

    /** Runs {@code task} on a listener's loop, unless that loop has stopped (the transport is closing). */
    static void runOn(EventLoop loop, Runnable task) {
        try {
            loop.execute(task);
        } catch (RejectedExecutionException closing) {
            // the listener is closed: there is nothing left to resume
        }
    }

    /** @return whether the limit is reached */
    boolean atLimit() {
        return open.get() >= max;
    }

    /** @return connections open now (accepted and not yet closed) */
    public int open() {
        return open.get();
    }
}

package dev.h2fs.transport.rest;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import org.jboss.logging.Logger;

import io.quarkus.vertx.http.runtime.filters.accesslog.AccessLogReceiver;
import io.quarkus.vertx.http.runtime.filters.accesslog.DefaultAccessLogReceiver;

/**
 * Access-log lines of the fast path on their way to Quarkus's access-log receiver, off the worker loops. A loop
 * formats its line and offers it to a bounded queue; one thread of its own ({@code h2fs-access-log}) hands the lines
 * to the receiver, whose log handlers may block on a console or a disk. A line that finds the queue full is dropped
 * and counted: the loops never wait for the log, and the memory lines can take is bounded by the queue.
 * <p>
 * Failure policy: a receiver that throws loses that line (counted as dropped, logged at most once a minute) and
 * the thread goes on with the next; the thread ends only at {@link #close}, which first hands over what is queued
 * (for at most a second).
 * <p>
 * Thread: {@link #offer} from any thread (the worker loops); {@link #close} once, by whoever closes the fast path.
 */
final class AccessLogHandOff implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(AccessLogHandOff.class);
    private static final int BATCH = 256;
    /** How long the writing thread sleeps when it finds no line: the most a line waits in a quiet queue. */
    private static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final long FAILURE_LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final BlockingQueue<String> lines;
    private final AccessLogReceiver receiver;
    /**
     * Quarkus's writer of a file of its own writes each message and a line separator: a batch joined by line
     * separators is the same bytes for one message instead of one per line.
     */
    private final boolean joinBatches;
    private final LongAdder dropped = new LongAdder();
    private final Thread writer;
    private volatile boolean closed;
    private long lastFailureLogged = System.nanoTime() - FAILURE_LOG_INTERVAL_NANOS;

    AccessLogHandOff(AccessLogReceiver receiver, int capacity) {
        this.receiver = receiver;
        this.joinBatches = receiver instanceof DefaultAccessLogReceiver;
        this.lines = new ArrayBlockingQueue<>(capacity);
        this.writer = new Thread(this::write, "h2fs-access-log");
        writer.setDaemon(true);
        writer.start();
    }

    /** Queues a line, or drops and counts it when the queue is full (or closed, or there is no line). Never waits. */
    void offer(String line) {
        if (line == null || closed || !lines.offer(line)) {
            dropped.increment();
        }
    }

    /** @return lines dropped so far: a full queue, or a receiver that failed */
    long dropped() {
        return dropped.sum();
    }

    /**
     * Drains the queue in batches and sleeps a few milliseconds when it is empty, without being woken by each line: a
     * line costs its loop an uncontended enqueue, never the wake-up of this thread (on a busy server that shares its
     * cores with the loops, a wake-up per line cost more than the rest of the request).
     */
    private void write() {
        List<String> batch = new ArrayList<>(BATCH);
        while (!closed || !lines.isEmpty()) {
            lines.drainTo(batch, BATCH);
            if (batch.isEmpty()) {
                LockSupport.parkNanos(IDLE_NANOS);
                if (Thread.interrupted()) {
                    return; // interrupted only by close() once its wait is over: stop now
                }
                continue;
            }
            if (joinBatches && batch.size() > 1) {
                deliver(String.join(System.lineSeparator(), batch), batch.size());
            } else {
                for (String line : batch) {
                    deliver(line, 1);
                }
            }
            batch.clear();
        }
    }

    private void deliver(String lines, int count) {
        try {
            receiver.logMessage(lines);
        } catch (RuntimeException e) {
            dropped.add(count);
            long now = System.nanoTime();
            if (now - lastFailureLogged >= FAILURE_LOG_INTERVAL_NANOS) {
                lastFailureLogged = now;
                LOG.warnf("h2fs transport: the access log refused a line (%s); lines go on being tried, those refused"
                        + " are counted in h2fs_transport_access_log_dropped_total", e.toString());
            }
        }
    }

    /** Hands over what is queued (for at most a second), then ends the thread. */
    @Override
    public void close() {
        closed = true;
        try {
            writer.join(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writer.interrupt();
        dropped.add(lines.size()); // left when the second was over
        lines.clear();
    }
}

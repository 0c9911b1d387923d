package dev.h2fs.transport.deployment;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The lines Quarkus's access log writes to its category ({@code io.quarkus.http.access-log}), as they are written:
 * a log handler added to the category for the length of a test. The fast path's lines arrive from the access log's
 * own thread, a moment after the response.
 * <p>
 * Thread: lines arrive on any thread; {@link #next} on the test thread.
 */
final class AccessLogLines extends Handler implements AutoCloseable {

    private final Logger category;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    AccessLogLines(String category) {
        this.category = Logger.getLogger(category);
        this.category.addHandler(this);
    }

    /** @return the next line written, waiting up to 10 seconds for it; null if none came */
    String next() throws InterruptedException {
        return lines.poll(10, TimeUnit.SECONDS);
    }

    /** @return a line written within {@code millis}, or null: for proving that none is */
    String within(long millis) throws InterruptedException {
        return lines.poll(millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void publish(LogRecord record) {
        lines.add(record.getMessage());
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        category.removeHandler(this);
    }
}

package dev.h2fs.files.upload;

import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads {@link TempFileWriter}s write on: a thread for each upload being written, never a queue (an upload
 * waits on its writer, so a writer queued behind busy threads could wait forever), idle ones kept for a minute. Their
 * number follows the uploads in progress, which Quarkus's worker pool bounds.
 * <p>
 * Thread-safe.
 */
public final class WriterThreads implements Executor, AutoCloseable {

    private final ThreadPoolExecutor pool;

    public WriterThreads() {
        AtomicInteger count = new AtomicInteger();
        pool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), task -> {
            Thread thread = new Thread(task, "h2fs-upload-writer-" + count.getAndIncrement());
            thread.setDaemon(true); // an upload still writing at exit is discarded anyway
            return thread;
        });
    }

    @Override
    public void execute(Runnable task) {
        pool.execute(task);
    }

    /** Lets the writes in progress finish; accepts no more. */
    @Override
    public void close() {
        pool.shutdown();
    }
}

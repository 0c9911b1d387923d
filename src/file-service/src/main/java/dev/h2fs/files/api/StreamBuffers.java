package dev.h2fs.files.api;

import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.quarkus.runtime.Startup;

import dev.h2fs.files.config.FilesConfig;

/**
 * Bounds the heap held by streamed downloads across the whole service: the chunks read from disk and handed to a
 * response that the client has not taken yet. A client can make each of its streams writable with a one-byte window,
 * so one chunk per stream is bounded only by the number of streams; this budget bounds the sum
 * ({@code h2fs.files.cache.stream-buffer-budget}). A download that finds the budget spent waits, without a thread,
 * until a chunk somewhere is taken by its client or its response ends.
 * <p>
 * Thread-safe: every method may be called from any thread. The lock guards two fields and is never held while a
 * waiter runs; it is taken once per chunk, not per request.
 */
@Singleton
@Startup // a budget below one chunk fails start-up, not the first large download
public final class StreamBuffers {

    private final long budget;
    private long available;
    private List<Runnable> waiters = new ArrayList<>();

    @Inject
    StreamBuffers(FilesConfig config) {
        this(config.cache().streamBufferBudget().asLongValue(), config.cache().streamChunkSize().asLongValue());
    }

    /**
     * @param budget bytes that all streamed downloads together may hold in chunks
     * @param chunkSize the largest chunk that will be asked for; the budget must hold at least one
     */
    StreamBuffers(long budget, long chunkSize) {
        if (budget < chunkSize) {
            throw new IllegalArgumentException("h2fs.files.cache.stream-buffer-budget (" + budget
                    + ") must be at least h2fs.files.cache.stream-chunk-size (" + chunkSize + ")");
        }
        this.budget = budget;
        this.available = budget;
    }

    /**
     * Takes {@code bytes} from the budget, or registers {@code retry} to be run once some bytes come back (it should
     * then call this again: another download may have taken them first).
     *
     * @return whether the bytes were taken
     */
    public synchronized boolean takeOrWait(long bytes, Runnable retry) {
        if (available >= bytes) {
            available -= bytes;
            return true;
        }
        waiters.add(retry);
        return false;
    }

    /** Gives back bytes taken earlier, and lets every waiting download try again. */
    public void release(long bytes) {
        List<Runnable> wake;
        synchronized (this) {
            available += bytes;
            if (waiters.isEmpty()) {
                return;
            }
            wake = waiters;
            waiters = new ArrayList<>();
        }
        wake.forEach(Runnable::run);
    }

    /** @return bytes not held by any download */
    public synchronized long available() {
        return available;
    }

    /** @return the whole budget */
    public long budget() {
        return budget;
    }
}

package dev.h2fs.files.upload;

import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The fixed set of equal buffers one upload reads its body into and hands on to its writer, so that the memory an
 * upload holds is the same whatever its size. A buffer goes back to the set when the last holder releases it; a reader
 * that finds every buffer held waits for one, which is what slows the request down to the pace of the disk.
 * <p>
 * Thread-safe: the upload's thread takes and releases, its writer thread releases.
 */
final class UploadChunks {

    private final ArrayBlockingQueue<Chunk> free;
    private final int count;
    private final int size;
    /** Only the taking thread creates buffers: they are allocated on first need, not up front. */
    private int created;

    /**
     * @param count buffers in the set, at least 1 (2 for a reader that hands buffers on: it keeps one while the
     *        writer has the other)
     * @param size bytes per buffer
     */
    UploadChunks(int count, int size) {
        if (count < 1 || size < 1) {
            throw new IllegalArgumentException("need at least one buffer of at least one byte");
        }
        this.free = new ArrayBlockingQueue<>(count);
        this.count = count;
        this.size = size;
    }

    /** @return bytes per buffer */
    int size() {
        return size;
    }

    /**
     * A free buffer, held once by the caller; waits while every buffer is held. Called by one thread only (the
     * upload's).
     */
    Chunk take() throws InterruptedIOException {
        Chunk chunk = free.poll();
        if (chunk == null && created < count) {
            created++;
            chunk = new Chunk(new byte[size]);
        }
        try {
            if (chunk == null) {
                chunk = free.take();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for an upload buffer");
        }
        chunk.refs.set(1);
        return chunk;
    }

    /**
     * A buffer that is free now, held once by the caller, without waiting: for a reader starting on a fresh set.
     *
     * @throws IllegalStateException if every buffer is held
     */
    Chunk takeFree() {
        Chunk chunk = free.poll();
        if (chunk == null && created < count) {
            created++;
            chunk = new Chunk(new byte[size]);
        }
        if (chunk == null) {
            throw new IllegalStateException("every upload buffer is held");
        }
        chunk.refs.set(1);
        return chunk;
    }

    /** One buffer of the set, with a count of its holders. */
    final class Chunk {
        final byte[] bytes;
        private final AtomicInteger refs = new AtomicInteger();

        private Chunk(byte[] bytes) {
            this.bytes = bytes;
        }

        /** One more holder: the buffer must not be reused until it releases it too. */
        void retain() {
            refs.incrementAndGet();
        }

        /** Drops one hold; the last returns the buffer to the set. */
        void release() {
            if (refs.decrementAndGet() == 0) {
                free.add(this);
            }
        }

        /** @return whether someone besides the taker holds it (its bytes may still be read elsewhere) */
        boolean shared() {
            return refs.get() > 1;
        }
    }
}

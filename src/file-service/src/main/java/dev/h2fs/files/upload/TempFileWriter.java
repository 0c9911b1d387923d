package dev.h2fs.files.upload;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Writes one part's body to its temp file on a thread of its own, in the order given, so that the upload's thread
 * receives, scans and hashes the next bytes while the kernel takes these: profiled on a 500 MiB upload, the write was
 * a third of the thread that did everything in turn. The runs are not copied: each holds its buffer until written.
 * Memory is bounded by the upload's {@link UploadChunks}, since every queued run holds one of them.
 * <p>
 * Threads: {@link #write}, {@link #finish} and {@link #abort} on the upload's thread; the write loop on a thread of
 * the executor, one loop per writer. The lock guards the queue and the flags both sides touch.
 */
final class TempFileWriter {

    /** Runs written with one gathering write at most: bounds the array, not the bytes (the chunks bound those). */
    private static final int MAX_GATHER = 64;

    private final FileChannel channel;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** Guarded by {@link #lock}. */
    private final ArrayDeque<Run> queue = new ArrayDeque<>();
    /** Guarded by {@link #lock}: no more runs will come. */
    private boolean finishing;
    /** Guarded by {@link #lock}: drop what is queued and stop. */
    private boolean aborted;
    /** Guarded by {@link #lock}: the loop has returned; the channel is no longer written. */
    private boolean stopped;
    /** Guarded by {@link #lock}: the first write that failed; later runs are dropped. */
    private IOException failure;

    private record Run(UploadChunks.Chunk chunk, int offset, int length) {
    }

    /** Starts the write loop on {@code executor}. */
    TempFileWriter(FileChannel channel, Executor executor) throws IOException {
        this.channel = channel;
        try {
            executor.execute(this::loop);
        } catch (RejectedExecutionException e) {
            throw new IOException("no thread to write the upload", e);
        }
    }

    /**
     * Queues bytes {@code offset} to {@code offset + length} of {@code chunk}, which it holds until they are written.
     *
     * @throws IOException the failure of an earlier write: nothing more will be written
     */
    void write(UploadChunks.Chunk chunk, int offset, int length) throws IOException {
        lock.lock();
        try {
            if (failure != null) {
                throw failure;
            }
            chunk.retain();
            queue.add(new Run(chunk, offset, length));
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until every queued run is written.
     *
     * @throws IOException the first write failure
     */
    void finish() throws IOException {
        lock.lock();
        try {
            finishing = true;
            changed.signalAll();
            awaitStop();
            if (failure != null) {
                throw failure;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Drops what is not written yet and waits until the loop no longer touches the channel. Never throws. */
    void abort() {
        lock.lock();
        try {
            aborted = true;
            changed.signalAll();
            boolean interrupted = false;
            while (!stopped) {
                try {
                    changed.await();
                } catch (InterruptedException e) {
                    interrupted = true; // keep waiting: the caller deletes the file next
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        } finally {
            lock.unlock();
        }
    }

    /** With the lock held. */
    private void awaitStop() throws InterruptedIOException {
        while (!stopped) {
            try {
                changed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                aborted = true;
                changed.signalAll();
                throw new InterruptedIOException("interrupted while the upload was written");
            }
        }
    }

    /** The writer thread: takes what is queued, writes it in one gathering write, repeats. */
    private void loop() {
        Run[] batch = new Run[MAX_GATHER];
        ByteBuffer[] buffers = new ByteBuffer[MAX_GATHER];
        try {
            while (true) {
                int n = takeBatch(batch);
                if (n == 0) {
                    return;
                }
                try {
                    writeFully(batch, buffers, n);
                } catch (IOException e) {
                    fail(e);
                } finally {
                    for (int i = 0; i < n; i++) {
                        batch[i].chunk().release();
                        batch[i] = null;
                        buffers[i] = null;
                    }
                }
            }
        } finally {
            lock.lock();
            try {
                Run left;
                while ((left = queue.poll()) != null) {
                    left.chunk().release();
                }
                stopped = true;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** @return runs moved into {@code batch}; 0 when the loop should stop */
    private int takeBatch(Run[] batch) {
        lock.lock();
        try {
            while (queue.isEmpty() && !finishing && !aborted && failure == null) {
                changed.awaitUninterruptibly();
            }
            if (aborted || failure != null) {
                return 0;
            }
            int n = 0;
            while (n < batch.length && !queue.isEmpty()) {
                batch[n++] = queue.poll();
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    private void writeFully(Run[] batch, ByteBuffer[] buffers, int n) throws IOException {
        long remaining = 0;
        for (int i = 0; i < n; i++) {
            buffers[i] = ByteBuffer.wrap(batch[i].chunk().bytes, batch[i].offset(), batch[i].length());
            remaining += batch[i].length();
        }
        while (remaining > 0) {
            remaining -= channel.write(buffers, 0, n);
        }
    }

    private void fail(IOException e) {
        lock.lock();
        try {
            if (failure == null) {
                failure = e;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}

package dev.h2fs.files.upload;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Hashes and writes one part's body to its temp file on a thread of its own, in the order given, so that the upload's
 * thread receives and scans the next bytes while these are hashed and taken by the kernel: profiled on a 500 MiB
 * upload, hashing and writing were half of the thread that did everything in turn. The runs are not copied: each holds
 * its buffer until written, and consecutive runs of one buffer go over as one (one hand-off per buffer, not per read).
 * Memory is bounded by the upload's {@link UploadChunks}, since every queued run holds one of them.
 * <p>
 * Threads: {@link #write}, {@link #finish}, {@link #sha256} and {@link #abort} on the upload's thread; the loop on a
 * thread of the executor, one loop per writer. The lock guards the queue and the flags both sides touch; the digest is
 * the loop's until it stops, which {@link #finish} waits for.
 */
final class TempFileWriter {

    private final FileChannel channel;
    private final MessageDigest digest;
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
    /** Guarded by {@link #lock}: the loop waits for work, so a new run must wake it. */
    private boolean idle;

    // The run not yet handed over (upload's thread only): the next run extends it while it continues it in its buffer.
    private UploadChunks.Chunk pendingChunk;
    private int pendingOffset;
    private int pendingLength;

    private record Run(UploadChunks.Chunk chunk, int offset, int length) {
    }

    /** Starts the write loop on {@code executor}; the bytes are hashed into {@code digest}. */
    TempFileWriter(FileChannel channel, MessageDigest digest, Executor executor) throws IOException {
        this.channel = channel;
        this.digest = digest;
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
        if (chunk == pendingChunk && offset == pendingOffset + pendingLength) {
            pendingLength += length;
            return;
        }
        handOver();
        chunk.retain();
        pendingChunk = chunk;
        pendingOffset = offset;
        pendingLength = length;
    }

    /** Queues the pending run for the loop. */
    private void handOver() throws IOException {
        if (pendingChunk == null) {
            return;
        }
        Run run = new Run(pendingChunk, pendingOffset, pendingLength);
        pendingChunk = null;
        lock.lock();
        try {
            if (failure != null) {
                run.chunk().release();
                throw failure;
            }
            queue.add(run);
            if (idle) {
                changed.signalAll();
            }
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
        handOver();
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

    /** @return the SHA-256 of every byte written; after {@link #finish} */
    byte[] sha256() {
        return digest.digest();
    }

    /** Drops what is not written yet and waits until the loop no longer touches the channel. Never throws. */
    void abort() {
        if (pendingChunk != null) {
            pendingChunk.release();
            pendingChunk = null;
        }
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

    /**
     * The writer thread: takes the next run, hashes it, writes it, gives its buffer back at once (a buffer held until
     * a batch of several is written leaves the reader waiting while the writer then waits for it), repeats.
     */
    private void loop() {
        try {
            Run run;
            while ((run = take()) != null) {
                try {
                    digest.update(run.chunk().bytes, run.offset(), run.length());
                    ByteBuffer bytes = ByteBuffer.wrap(run.chunk().bytes, run.offset(), run.length());
                    while (bytes.hasRemaining()) {
                        channel.write(bytes);
                    }
                } catch (IOException e) {
                    fail(e);
                } catch (RuntimeException e) {
                    fail(new IOException("cannot write the upload: " + e, e)); // the upload must not wait forever
                } finally {
                    run.chunk().release();
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

    /** @return the next run to write; null when the loop should stop */
    private Run take() {
        lock.lock();
        try {
            while (queue.isEmpty() && !finishing && !aborted && failure == null) {
                idle = true;
                changed.awaitUninterruptibly();
                idle = false;
            }
            return aborted || failure != null ? null : queue.poll();
        } finally {
            lock.unlock();
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

package dev.h2fs.transport.body;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

/**
 * A request body read by one blocking thread while the connection's loop keeps receiving it. The buffers Vert.x
 * delivers are queued as they are (not copied) up to {@code maxQueuedBytes}; above that the request is paused (HTTP/1.1
 * stops reading the socket, HTTP/2 stops returning flow-control credit, so the client's window closes) and it is
 * resumed once the reader has taken the queue down to half. The memory one body can pin is therefore the bound plus
 * what is in flight when the pause lands (one socket read, or the HTTP/2 stream's receive window).
 * <p>
 * Why not the {@code InputStream} RESTEasy Reactive hands a blocking method: it asks Vert.x for one buffer at a time
 * ({@code fetch(1)} after each take), so the reader and the loop wait on each other every 8 KiB (HTTP/1.1 chunk) or
 * 16 KiB (HTTP/2 DATA frame), and on HTTP/2 the window is only refilled at the reader's pace: profiled on a 500 MiB
 * upload, the reading thread spent 45 % (HTTP/1.1) and 66 % (h2c) of its time waiting for the next buffer.
 * <p>
 * Threads: {@link #read} and {@link #close} on the one reading thread (never an event loop: {@code read} blocks); the
 * Vert.x handlers on the connection's loop. The lock guards the queue and the flags both sides touch. Pause and resume
 * are decided under it but called outside it, and only on the loop (the reader hands its resume over), so their order
 * is the order of the decisions, and no Vert.x lock (it takes the connection's monitor) is ever awaited while ours is
 * held.
 */
public final class RequestBodyStream extends InputStream {

    private final HttpServerRequest request;
    private final Executor loop;
    private final Runnable startInput;
    private final long maxQueuedBytes;
    private final long readTimeoutNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final ArrayDeque<ByteBuf> queue = new ArrayDeque<>();
    /** Guarded by {@link #lock}. */
    private long queuedBytes;
    /** Guarded by {@link #lock}: we paused the request because the queue reached its bound. */
    private boolean paused;
    /** Guarded by {@link #lock}: a resume is on its way to the loop. */
    private boolean resumeQueued;
    /** Guarded by {@link #lock}. */
    private boolean ended;
    /** Guarded by {@link #lock}. */
    private IOException failure;
    /** Guarded by {@link #lock}: the reader is gone; later buffers are released on arrival. */
    private boolean closed;
    /** Reader thread only. */
    private boolean started;

    /**
     * Takes over the body of a request that is still paused (as Quarkus REST leaves it). Call from the reading thread.
     *
     * @param startInput resumes the request for the first time; sends {@code 100 Continue} first if the client asked
     *        for it (so a request refused before its first read is answered without inviting the body)
     */
    RequestBodyStream(HttpServerRequest request, Executor loop, Runnable startInput, long maxQueuedBytes,
            long readTimeoutNanos) {
        if (maxQueuedBytes < 1) {
            throw new IllegalArgumentException("maxQueuedBytes must be positive, was " + maxQueuedBytes);
        }
        this.request = request;
        this.loop = loop;
        this.startInput = startInput;
        this.maxQueuedBytes = maxQueuedBytes;
        this.readTimeoutNanos = readTimeoutNanos;
        if (request.isEnded()) {
            ended = true;
            started = true;
            return;
        }
        request.pause();
        request.handler(this::onData);
        request.endHandler(v -> onEnd());
        request.exceptionHandler(this::onFailure);
    }

    /** Loop: a buffer of the body arrived. */
    private void onData(Buffer data) {
        ByteBuf bytes = data.getByteBuf();
        if (!bytes.isReadable()) {
            // Vert.x delivers an empty buffer for an HTTP/2 DATA frame that only ends the stream; the end handler
            // follows. Nothing to queue.
            bytes.release();
            return;
        }
        boolean pause = false;
        lock.lock();
        try {
            if (closed) {
                bytes.release();
                return;
            }
            queue.add(bytes);
            queuedBytes += bytes.readableBytes();
            if (queuedBytes >= maxQueuedBytes && !paused) {
                paused = true;
                pause = true;
            }
            arrived.signal();
        } finally {
            lock.unlock();
        }
        if (pause) {
            request.pause();
        }
    }

    /** Loop: resumes the request if the reader has taken the queue down to half since it asked. */
    private void resumeIfDrained() {
        boolean resume = false;
        lock.lock();
        try {
            resumeQueued = false;
            if (paused && !closed && queuedBytes <= maxQueuedBytes / 2) {
                paused = false;
                resume = true;
            }
        } finally {
            lock.unlock();
        }
        if (resume) {
            request.resume();
        }
    }

    /** Loop: the whole body has arrived. */
    private void onEnd() {
        lock.lock();
        try {
            ended = true;
            arrived.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Loop: the connection closed or the stream was reset before the end. */
    private void onFailure(Throwable cause) {
        lock.lock();
        try {
            if (!ended && failure == null) {
                failure = cause instanceof IOException io ? io : new IOException(cause.getMessage(), cause);
            }
            arrived.signal();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    /** Blocks until some of the body is there, its end, a failure, or the read timeout. */
    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (!started) {
            started = true;
            startInput.run();
        }
        lock.lock();
        try {
            ByteBuf head = awaitHead();
            if (head == null) {
                return -1;
            }
            int n = Math.min(len, head.readableBytes());
            head.readBytes(b, off, n);
            queuedBytes -= n;
            if (!head.isReadable()) {
                queue.poll().release();
            }
            if (paused && !resumeQueued && queuedBytes <= maxQueuedBytes / 2) {
                // Hysteresis: resume at half, so the loop is told once per half-queue, not once per buffer.
                resumeQueued = true;
                try {
                    loop.execute(this::resumeIfDrained);
                } catch (RejectedExecutionException e) {
                    // The loop is shut down, and the connection with it: the rest of the body cannot come.
                    failure = new IOException("the connection's loop is gone", e);
                }
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    /** With the lock held: the first queued buffer, null at the end of the body. */
    private ByteBuf awaitHead() throws IOException {
        long remaining = readTimeoutNanos;
        while (queue.isEmpty()) {
            if (closed) {
                throw new IOException("request body stream is closed");
            }
            if (failure != null) {
                throw new IOException("request body not received: " + failure.getMessage(), failure);
            }
            if (ended) {
                return null;
            }
            if (remaining <= 0) {
                throw new IOException("no request body received for " + TimeUnit.NANOSECONDS.toSeconds(readTimeoutNanos)
                        + " s");
            }
            try {
                remaining = arrived.awaitNanos(remaining);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for the request body");
            }
        }
        return queue.peek();
    }

    @Override
    public int available() {
        lock.lock();
        try {
            return (int) Math.min(Integer.MAX_VALUE, queuedBytes);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Releases what is queued and stops taking the body: the request stays paused, as when Quarkus REST's stream is
     * abandoned, and whatever the loop still delivers is released on arrival. Answering the request (HTTP/2 then
     * resets the rest of the stream; an HTTP/1.1 answer that leaves a body unread should close the connection) is the
     * caller's business.
     */
    @Override
    public void close() {
        boolean pause;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            ByteBuf buf;
            while ((buf = queue.poll()) != null) {
                buf.release();
            }
            queuedBytes = 0;
            pause = !ended && failure == null;
        } finally {
            lock.unlock();
        }
        if (pause) {
            // On the loop, after any resume already handed to it; none is decided once closed.
            try {
                loop.execute(request::pause);
            } catch (RejectedExecutionException e) {
                // The loop is shut down: nothing more arrives anyway.
            }
        }
    }
}

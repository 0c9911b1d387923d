package dev.h2fs.files.api;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.spi.ServerHttpResponse;
import org.jboss.resteasy.reactive.server.spi.ServerRequestContext;

import dev.h2fs.transport.body.ResponseBodies;

/**
 * Sends a byte range of a large file: reads one chunk on a worker thread, writes it, and reads
 * the next only once that write has completed and the response can take more, so a slow client
 * costs at most one chunk of memory rather than the file, and a stream whose HTTP/2 window is
 * closed costs none. Chunks in flight across all downloads are bounded by {@link StreamBuffers}, and
 * a chunk the client does not take within the stall timeout ends the response ({@link StallTimer}). The channel is closed when the range is sent or the
 * response fails.
 *
 * <p>Threads: strictly one step at a time, each step started by the completion of the one before:
 * reads and writes on the blocking executor, write completions on the connection's I/O thread
 * (which only schedules the next read). Both response paths (the transport's fast path and Vert.x)
 * accept writes from any thread.
 */
final class StreamedBodySender {

    private static final Logger LOG = Logger.getLogger(StreamedBodySender.class);
    /** HTTP/2 error code CANCEL (RFC 9113 section 7): the stream is no longer needed. */
    static final long CANCEL = 0x8;

    private final ServerRequestContext context;
    private final ServerHttpResponse response;
    private final FileBody.Streamed body;
    private final Executor blocking;
    private final StreamBuffers buffers;
    private final StallTimer stall;
    private final long end;
    private long next;
    // Bytes of the budget held by the chunk in flight; given back exactly once (getAndSet).
    private final AtomicLong held = new AtomicLong();

    StreamedBodySender(ServerRequestContext context, FileBody.Streamed body, Executor blocking, StreamBuffers buffers,
            StallTimer stall) {
        this.context = context;
        this.response = context.serverResponse();
        this.body = body;
        this.blocking = blocking;
        this.buffers = buffers;
        this.stall = stall;
        this.next = body.offset();
        this.end = body.offset() + body.length();
    }

    void start() {
        // Quarkus REST leaves the length to the body writer: without it Vert.x would refuse the
        // first write on HTTP/1.1 rather than fall back to chunked.
        response.setResponseHeader("Content-Length", Long.toString(body.length()));
        response.addCloseHandler(this::closeChannel);
        step();
    }

    /** Runs the next step on the blocking executor: each step reads the disk, never on an I/O thread. */
    private void step() {
        blocking.execute(this::sendChunkSafely);
    }

    private void sendChunkSafely() {
        try {
            sendChunk();
        } catch (RuntimeException e) {
            LOG.warnf(e, "aborting response for %s", body.file().meta().name());
            abort();
        }
    }

    private void sendChunk() {
        if (response.closed()) {
            closeChannel();
            return;
        }
        if (next >= end) {
            closeChannel();
            response.end();
            return;
        }
        if (response.isWriteQueueFull()) {
            awaitDrain();
            return;
        }
        int size = (int) Math.min(body.file().chunkSize(), end - next);
        if (!buffers.takeOrWait(size, this::step)) {
            return; // every byte of the budget is in some client's hands: try again when one is given back
        }
        held.set(size);
        ByteBuffer chunk = ByteBuffer.allocate(size);
        try {
            while (chunk.hasRemaining()) {
                int n = body.file().channel().read(chunk, next + chunk.position());
                if (n < 0) {
                    throw new IOException("file shorter than its recorded size");
                }
            }
        } catch (IOException e) {
            LOG.warnf("aborting response for %s: %s", body.file().meta().name(), e.getMessage());
            abort();
            return;
        }
        next += chunk.capacity();
        stall.arm(this::onStall);
        response.write(chunk.array(), failure -> {
            stall.disarm();
            releaseHeld(); // taken by the client (or dropped with the stream)
            if (failure == null) {
                step();
            } else {
                closeChannel(); // the client went away; Vert.x has already given up the stream
            }
        });
    }

    /**
     * The client is not taking what was sent (HTTP/2: its flow-control window for the stream is closed): the next
     * chunk is read only once it does. Without this a stream held at window 0 pinned one chunk of heap for as long as
     * the client liked (measured: 10 connections x 100 such streams held 264 MiB).
     */
    private void awaitDrain() {
        AtomicBoolean resumed = new AtomicBoolean();
        Runnable resume = () -> {
            if (resumed.compareAndSet(false, true)) {
                step();
            }
        };
        response.addDrainHandler(resume);
        if (!response.isWriteQueueFull()) {
            resume.run(); // drained between the check and the handler: that event will not come again
        }
    }

    /** The client has not taken the chunk in time: give up the response, which fails the write and frees the chunk. */
    private void onStall() {
        LOG.debugf("resetting the response for %s: the client took no chunk in time", body.file().meta().name());
        ResponseBodies.reset(context, CANCEL);
    }

    /** Headers with the length may be out: the only honest signal left is to abort the response. */
    private void abort() {
        releaseHeld();
        closeChannel();
        response.reset();
    }

    private void releaseHeld() {
        long bytes = held.getAndSet(0);
        if (bytes > 0) {
            buffers.release(bytes);
        }
    }

    private void closeChannel() {
        body.file().close();
    }
}

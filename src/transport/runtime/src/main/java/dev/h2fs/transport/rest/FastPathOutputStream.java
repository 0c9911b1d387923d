package dev.h2fs.transport.rest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import io.netty.buffer.Unpooled;

/**
 * The JAX-RS output stream of a fast-path response (writers that stream, such as a large JSON array): bytes are sent
 * in chunks of the configured output buffer size; a thread other than the loop waits for each chunk to be written, so
 * a slow client holds one chunk, not the whole body.
 * <p>
 * Thread: the request's thread of the moment (RESTEasy writes one step at a time).
 */
final class FastPathOutputStream extends OutputStream {

    private final FastPathExchange exchange;
    private final int chunkSize;
    private ByteArrayOutputStream buffer;
    private boolean closed;

    FastPathOutputStream(FastPathExchange exchange, int chunkSize) {
        this.exchange = exchange;
        this.chunkSize = Math.max(512, chunkSize);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] { (byte) b }, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        if (closed) {
            throw new IOException("stream closed");
        }
        if (buffer == null) {
            buffer = new ByteArrayOutputStream(Math.min(chunkSize, Math.max(length, 256)));
        }
        buffer.write(bytes, offset, length);
        if (buffer.size() >= chunkSize) {
            sendBuffered();
        }
    }

    @Override
    public void flush() throws IOException {
        if (!closed && buffer != null && buffer.size() > 0) {
            sendBuffered();
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (exchange.streamGone()) {
            return;
        }
        byte[] rest = buffer == null ? null : buffer.toByteArray();
        exchange.finish(rest == null ? null : Unpooled.wrappedBuffer(rest));
    }

    private void sendBuffered() throws IOException {
        byte[] chunk = buffer.toByteArray();
        buffer.reset();
        CompletableFuture<Void> written = exchange.write(chunk).toCompletableFuture();
        if (!exchange.request().isOnIoThread()) {
            try {
                written.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while the client took a chunk");
            } catch (ExecutionException e) {
                throw new IOException(e.getCause());
            }
        }
    }
}

package dev.h2fs.transport.rest;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.util.AsciiString;
import io.vertx.core.http.HttpVersion;

/**
 * A fast-path exchange's HTTP/2 stream: its response goes out through the connection's
 * {@code Http2ConnectionEncoder}, with the status and headers Vert.x's HTTP/2 response would give it.
 * <p>
 * Thread: the connection's event loop, apart from what {@link FastPathStream} allows elsewhere.
 */
final class Http2FastPathStream implements FastPathStream {

    private static final AsciiString[] FORBIDDEN_IN_HTTP2 = { HttpHeaderNames.CONNECTION, HttpHeaderNames.KEEP_ALIVE,
            HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderNames.UPGRADE, AsciiString.cached("proxy-connection") };

    private final FastPathConnection connection;
    private final Http2Stream stream;
    private final Http2Headers request;
    private final boolean headRequest;

    Http2FastPathStream(FastPathConnection connection, Http2Stream stream, Http2Headers request, boolean headRequest) {
        this.connection = connection;
        this.stream = stream;
        this.request = request;
        this.headRequest = headRequest;
    }

    @Override
    public FastPathChannel connection() {
        return connection.channel;
    }

    @Override
    public int streamId() {
        return stream.id();
    }

    @Override
    public HttpVersion version() {
        return HttpVersion.HTTP_2;
    }

    /**
     * The stream's closing is reported by Netty a moment after the connection's channel goes inactive; a write before
     * that would be an outbound connection error.
     */
    @Override
    public boolean gone() {
        return stream.state() == Http2Stream.State.CLOSED || !connection.context.channel().isActive();
    }

    @Override
    public void end(int status, Http2Headers headers, ByteBuf body, boolean chunked) {
        if (status >= 0) {
            if (needsContentLength(status, headers)) {
                headers.setLong(HttpHeaderNames.CONTENT_LENGTH, body == null ? 0 : body.readableBytes());
            }
            writeHead(status, headers, body == null);
            if (body == null) {
                return; // the head ended the stream
            }
        }
        connection.encoder.writeData(connection.context, stream.id(), body == null ? Unpooled.EMPTY_BUFFER : body, 0,
                true, connection.context.newPromise());
    }

    @Override
    public void write(int status, Http2Headers headers, ByteBuf data, boolean chunked, ChannelPromise promise) {
        if (status >= 0) {
            writeHead(status, headers, false);
        }
        connection.encoder.writeData(connection.context, stream.id(), data, 0, false, promise);
    }

    private boolean needsContentLength(int status, Http2Headers headers) {
        return !headRequest && status != 304 && !headers.contains(HttpHeaderNames.CONTENT_LENGTH);
    }

    /** As Vert.x's HTTP/2 response: the status, and the headers some statuses must not carry. */
    private void writeHead(int status, Http2Headers headers, boolean endStream) {
        headers.status(HttpResponseStatus.valueOf(status).codeAsText());
        for (AsciiString forbidden : FORBIDDEN_IN_HTTP2) {
            headers.remove(forbidden);
        }
        if (status == 204 || status / 100 == 1) {
            headers.remove(HttpHeaderNames.CONTENT_LENGTH);
        } else if (status == 205) {
            headers.setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        }
        connection.encoder.writeHeaders(connection.context, stream.id(), headers, 0, endStream,
                connection.context.newPromise());
    }

    @Override
    public void abort(long http2ErrorCode) {
        if (stream.state() != Http2Stream.State.CLOSED) {
            connection.http2.resetStream(connection.context, stream.id(), http2ErrorCode,
                    connection.context.newPromise());
            flush();
        }
    }

    /** Writes made while the connection's read is being decoded are flushed by Netty when the read completes. */
    @Override
    public void flush() {
        if (!connection.decoding()) {
            connection.http2.flush(connection.context);
        }
    }

    /** A stream that has just closed counts as writable: whoever waits learns of the end by trying to write. */
    @Override
    public boolean writable() {
        try {
            return connection.encoder.flowController().isWritable(stream);
        } catch (RuntimeException streamJustClosed) {
            return true;
        }
    }

    @Override
    public void awaitWritable(FastPathExchange exchange) {
        connection.awaitWindow(exchange);
    }

    @Override
    public void forget(FastPathExchange exchange) {
        connection.forget(exchange);
    }

    @Override
    public void handBack() {
        stream.removeProperty(connection.exchangeKey);
        connection.handBack(stream.id(), request);
    }
}

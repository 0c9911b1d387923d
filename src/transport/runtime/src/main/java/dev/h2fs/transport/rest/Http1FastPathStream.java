package dev.h2fs.transport.rest;

import java.util.Map;

import org.jboss.logging.Logger;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2Headers;
import io.vertx.core.http.HttpVersion;

/**
 * A fast-path exchange's HTTP/1.1 request: its response goes to Vert.x's HTTP/1.x encoder as Netty HTTP objects, with
 * the headers Vert.x's HTTP/1.x response would give it ({@code Http1xServerResponse.prepareHeaders}): {@code Connection:
 * close} when the connection is not kept alive, a {@code Content-Length} for a body written in one piece, chunked
 * transfer coding otherwise.
 * <p>
 * Thread: the connection's event loop, apart from what {@link FastPathStream} allows elsewhere.
 */
final class Http1FastPathStream implements FastPathStream {

    private static final Logger LOG = Logger.getLogger(Http1FastPathStream.class);

    private final Http1FastPathConnection connection;
    private final HttpRequest request;
    private final boolean headRequest;
    private final boolean keepAlive;
    private FastPathExchange exchange;
    private boolean ended;

    Http1FastPathStream(Http1FastPathConnection connection, HttpRequest request, boolean headRequest,
            boolean keepAlive) {
        this.connection = connection;
        this.request = request;
        this.headRequest = headRequest;
        this.keepAlive = keepAlive;
    }

    /** The exchange this is the stream of; set once, before it starts. */
    void exchange(FastPathExchange exchange) {
        this.exchange = exchange;
    }

    @Override
    public FastPathChannel connection() {
        return connection.channel;
    }

    @Override
    public int streamId() {
        return -1;
    }

    @Override
    public HttpVersion version() {
        return HttpVersion.HTTP_1_1;
    }

    @Override
    public boolean gone() {
        return ended || !connection.channel.channel.isActive();
    }

    @Override
    public void end(int status, Http2Headers headers, ByteBuf body, boolean chunked) {
        ended = true;
        Object last;
        if (status >= 0) {
            HttpHeaders head = head(status, headers, body == null ? 0 : body.readableBytes(), chunked);
            if (head == null) {
                if (body != null) {
                    body.release();
                }
                connection.close();
                return;
            }
            last = new DefaultFullHttpResponse(io.netty.handler.codec.http.HttpVersion.HTTP_1_1,
                    HttpResponseStatus.valueOf(status), body == null ? Unpooled.EMPTY_BUFFER : body, head,
                    EmptyHttpHeaders.INSTANCE);
        } else {
            last = body == null ? LastHttpContent.EMPTY_LAST_CONTENT : new DefaultLastHttpContent(body);
        }
        connection.write((io.netty.handler.codec.http.HttpObject) last, null);
        connection.ended(exchange, keepAlive);
    }

    @Override
    public void write(int status, Http2Headers headers, ByteBuf data, boolean chunked, ChannelPromise promise) {
        if (status >= 0) {
            // A body in parts without a length announced goes chunked: nothing else frames it on a kept connection.
            HttpHeaders head = head(status, headers, -1, true);
            if (head == null) {
                data.release();
                promise.setFailure(new IllegalArgumentException("the response's head cannot be encoded"));
                connection.close();
                return;
            }
            connection.write(new DefaultHttpResponse(io.netty.handler.codec.http.HttpVersion.HTTP_1_1,
                    HttpResponseStatus.valueOf(status), head), null);
        }
        connection.write(new DefaultHttpContent(data), promise);
    }

    /**
     * As Vert.x's HTTP/1.x response's head: its headers, checked as Vert.x's header map checks them.
     *
     * @param contentLength the whole body's length when it is written in one piece, else -1
     * @return null when a name or value cannot be sent (a line break in it)
     */
    private HttpHeaders head(int status, Http2Headers headers, long contentLength, boolean chunked) {
        if (!keepAlive) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        if (chunked && !headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
            headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        if (headRequest || status == 304) {
            headers.remove(HttpHeaderNames.TRANSFER_ENCODING);
        } else if (contentLength >= 0 && !headers.contains(HttpHeaderNames.CONTENT_LENGTH)
                && !headers.contains(HttpHeaderNames.TRANSFER_ENCODING)) {
            headers.setLong(HttpHeaderNames.CONTENT_LENGTH, contentLength);
        }
        HttpHeaders head = new DefaultHttpHeaders(true);
        try {
            for (Map.Entry<CharSequence, CharSequence> header : headers) {
                CharSequence name = header.getKey();
                if (name.length() > 0 && name.charAt(0) != ':') {
                    head.add(name, header.getValue());
                }
            }
        } catch (IllegalArgumentException e) {
            LOG.debugf("response to %s %s not sent, the connection closes: %s", request.method(), request.uri(),
                    e.getMessage());
            return null;
        }
        return head;
    }

    /** HTTP/1.1 cannot end one response early and keep the connection: it closes, as Vert.x's does. */
    @Override
    public void abort(long http2ErrorCode) {
        ended = true;
        connection.close();
    }

    @Override
    public void flush() {
        connection.flush();
    }

    @Override
    public boolean writable() {
        return connection.channel.channel.isWritable();
    }

    @Override
    public void awaitWritable(FastPathExchange exchange) {
        connection.awaitWritable(exchange);
    }

    @Override
    public void forget(FastPathExchange exchange) {
        connection.forget(exchange);
    }

    @Override
    public void handBack() {
        connection.handBack(exchange, request);
    }
}

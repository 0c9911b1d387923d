package dev.h2fs.transport.rest;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.Http2Headers;
import io.vertx.core.http.HttpVersion;

/**
 * The protocol side of one fast-path exchange: an HTTP/2 stream ({@link Http2FastPathStream}) or one HTTP/1.1 request
 * of a keep-alive connection ({@link Http1FastPathStream}). {@link FastPathExchange} is RESTEasy's request context and
 * knows neither frames nor the HTTP/1.1 wire format; this writes its response as Vert.x's response of the same
 * protocol would (which headers it adds or removes, when the connection closes), and gives the request back to
 * Vert.x's path when the fast path leaves it.
 * <p>
 * Thread: the connection's event loop, unless a method says otherwise.
 */
interface FastPathStream {

    /** @return the connection: its channel, TLS, addresses and the worker's fast path; any thread */
    FastPathChannel connection();

    /** @return the HTTP/2 stream id; -1 over HTTP/1.1 (as Vert.x's HTTP/1.x request); any thread */
    int streamId();

    /** @return the protocol, as Vert.x's request reports it; any thread */
    HttpVersion version();

    /** @return whether nothing can be written any more: the stream or the connection has ended */
    boolean gone();

    /**
     * Writes the response's last bytes.
     *
     * @param status the status, or -1 when the head has already gone out
     * @param headers the head's headers (with {@code status}), changed here as the protocol requires
     * @param body the body's last bytes, or null for none; released here
     * @param chunked whether the application asked for a chunked body ({@code setChunked(true)})
     */
    void end(int status, Http2Headers headers, ByteBuf body, boolean chunked);

    /**
     * Writes a part of the body (the head first, when {@code status} is not -1).
     *
     * @param promise completed when the bytes are written
     */
    void write(int status, Http2Headers headers, ByteBuf data, boolean chunked, ChannelPromise promise);

    /**
     * Ends the response where it stands: HTTP/2 resets the stream with {@code http2ErrorCode}; HTTP/1.1, which cannot
     * end one response alone, closes the connection, as Vert.x does.
     */
    void abort(long http2ErrorCode);

    /** Makes what was written go out now, unless the connection's read in progress will do it when it completes. */
    void flush();

    /** @return whether the body may take more bytes now (HTTP/2: the flow-control window; HTTP/1.1: the channel) */
    boolean writable();

    /** {@code exchange} waits until {@link #writable}: its {@link FastPathExchange#windowOpenOrGone} is called. */
    void awaitWritable(FastPathExchange exchange);

    /** {@code exchange} has gone: it waits no longer. */
    void forget(FastPathExchange exchange);

    /** Gives the request to Vert.x's path, as if the fast path had never looked at it. */
    void handBack();
}

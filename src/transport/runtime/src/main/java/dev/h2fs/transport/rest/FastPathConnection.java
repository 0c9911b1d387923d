package dev.h2fs.transport.rest;

import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Flags;
import io.netty.handler.codec.http2.Http2FrameListener;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2Stream;
import io.vertx.core.net.HostAndPort;

/**
 * One HTTP/2 connection's frame listener, placed in front of Vert.x's: it takes the streams the fast path serves
 * ({@link FastPathWorker#admits}) and passes every other frame, and every other stream, to Vert.x's listener untouched.
 * Vert.x replaces the decoder's listener when the first SETTINGS arrives (its handler gives way to its connection
 * object); this listener then puts itself back in front of the new one, so it sees every HEADERS frame of the
 * connection. Vert.x looks its streams up by its own property key and ignores streams it did not create.
 * <p>
 * It also tells the exchanges when their streams may take more data (WINDOW_UPDATE, SETTINGS), which Netty's
 * flow controller reports only to Vert.x.
 * <p>
 * Thread: the connection's event loop (Netty's decoder calls it there).
 */
final class FastPathConnection implements Http2FrameListener {

    final FastPathChannel channel;
    final Http2ConnectionHandler http2;
    final ChannelHandlerContext context;
    final Http2ConnectionEncoder encoder;
    final Http2Connection.PropertyKey exchangeKey;
    private final Http2ConnectionDecoder decoder;
    private Http2FrameListener vertx;
    private List<FastPathExchange> awaitingWindow;
    private boolean decoding;
    private CharSequence goodAuthority;

    FastPathConnection(FastPathWorker worker, Http2ConnectionHandler http2, ChannelHandlerContext context) {
        this.channel = new FastPathChannel(context.channel(), worker);
        this.http2 = http2;
        this.context = context;
        this.encoder = http2.encoder();
        this.decoder = http2.decoder();
        this.exchangeKey = http2.connection().newKey();
        this.vertx = decoder.frameListener();
        decoder.frameListener(this);
        http2.connection().addListener(new Http2ConnectionAdapter() {
            @Override
            public void onStreamClosed(Http2Stream stream) {
                FastPathExchange exchange = stream.removeProperty(exchangeKey);
                if (exchange != null) {
                    exchange.onStreamClosed();
                }
            }
        });
    }

    /** @return whether this listener is the decoder's (test hook for upgrades that move Vert.x's) */
    boolean inPlace() {
        return decoder.frameListener() == this;
    }

    /** Vert.x swapped its listener (first SETTINGS): get back in front of the new one. */
    private void reclaim() {
        Http2FrameListener current = decoder.frameListener();
        if (current != this) {
            vertx = current;
            decoder.frameListener(this);
        }
    }

    @Override
    public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding,
            boolean endOfStream) throws Http2Exception {
        if (!endOfStream || !take(streamId, headers)) {
            vertx.onHeadersRead(ctx, streamId, headers, padding, endOfStream);
        }
    }

    @Override
    public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int streamDependency,
            short weight, boolean exclusive, int padding, boolean endOfStream) throws Http2Exception {
        if (!endOfStream || !take(streamId, headers)) {
            vertx.onHeadersRead(ctx, streamId, headers, streamDependency, weight, exclusive, padding, endOfStream);
        }
    }

    private boolean take(int streamId, Http2Headers headers) {
        decoding = true;
        try {
            return channel.worker.take(this, streamId, headers);
        } finally {
            decoding = false;
        }
    }

    /**
     * @return whether the connection's read is being decoded right now: what is written meanwhile goes out with
     *         Netty's flush at the end of the read, many responses in one write
     */
    boolean decoding() {
        return decoding;
    }

    /**
     * The checks Vert.x makes before it serves a request (its {@code isMalformedRequest}): a {@code :scheme}, and an
     * {@code :authority} that parses and that a {@code Host} header does not contradict. A request failing them
     * goes to Vert.x, which resets the stream with PROTOCOL_ERROR. The last good authority is remembered: a client
     * sends the same one on every stream.
     */
    boolean wellFormed(Http2Headers headers) {
        if (headers.scheme() == null) {
            return false;
        }
        CharSequence authority = headers.authority();
        if (authority == null) {
            return true;
        }
        if (headers.contains(HttpHeaderNames.HOST)) {
            return false; // both: Vert.x compares them
        }
        if (authority.equals(goodAuthority)) {
            return true;
        }
        if (HostAndPort.parseAuthority(authority.toString(), -1) == null) {
            return false;
        }
        goodAuthority = authority;
        return true;
    }

    /** Refuses a stream over the worker's budget, as {@code StreamAdmission} does for Vert.x's streams. */
    void refuse(int streamId) {
        http2.resetStream(context, streamId, Http2Error.REFUSED_STREAM.code(),
                context.newPromise());
    }

    /** A stream the fast path took but no resource maps: Vert.x gets it as if it had never been looked at. */
    void handBack(int streamId, Http2Headers headers) {
        try {
            vertx.onHeadersRead(context, streamId, headers, 0, true);
        } catch (Http2Exception e) {
            context.fireExceptionCaught(e);
        }
    }

    @Override
    public void onSettingsRead(ChannelHandlerContext ctx, Http2Settings settings) throws Http2Exception {
        vertx.onSettingsRead(ctx, settings);
        reclaim();
        if (settings.initialWindowSize() != null) {
            windowsMayHaveOpened(0);
        }
    }

    @Override
    public void onWindowUpdateRead(ChannelHandlerContext ctx, int streamId, int windowSizeIncrement)
            throws Http2Exception {
        vertx.onWindowUpdateRead(ctx, streamId, windowSizeIncrement);
        windowsMayHaveOpened(streamId);
    }

    /** {@code exchange} waits for its stream's window to open; told once, then forgotten. */
    void awaitWindow(FastPathExchange exchange) {
        if (awaitingWindow == null) {
            awaitingWindow = new ArrayList<>(4);
        }
        awaitingWindow.add(exchange);
    }

    /** @param streamId the stream whose window grew, 0 for the connection's (or all, after SETTINGS) */
    private void windowsMayHaveOpened(int streamId) {
        if (awaitingWindow == null || awaitingWindow.isEmpty()) {
            return;
        }
        for (int i = awaitingWindow.size() - 1; i >= 0; i--) {
            FastPathExchange exchange = awaitingWindow.get(i);
            if ((streamId == 0 || exchange.streamId() == streamId) && exchange.windowOpenOrGone()) {
                awaitingWindow.remove(i);
            }
        }
    }

    void forget(FastPathExchange exchange) {
        if (awaitingWindow != null) {
            awaitingWindow.remove(exchange);
        }
    }

    @Override
    public int onDataRead(ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding, boolean endOfStream)
            throws Http2Exception {
        return vertx.onDataRead(ctx, streamId, data, padding, endOfStream);
    }

    @Override
    public void onPriorityRead(ChannelHandlerContext ctx, int streamId, int streamDependency, short weight,
            boolean exclusive) throws Http2Exception {
        vertx.onPriorityRead(ctx, streamId, streamDependency, weight, exclusive);
    }

    @Override
    public void onRstStreamRead(ChannelHandlerContext ctx, int streamId, long errorCode) throws Http2Exception {
        vertx.onRstStreamRead(ctx, streamId, errorCode);
    }

    @Override
    public void onSettingsAckRead(ChannelHandlerContext ctx) throws Http2Exception {
        vertx.onSettingsAckRead(ctx);
    }

    @Override
    public void onPingRead(ChannelHandlerContext ctx, long data) throws Http2Exception {
        vertx.onPingRead(ctx, data);
    }

    @Override
    public void onPingAckRead(ChannelHandlerContext ctx, long data) throws Http2Exception {
        vertx.onPingAckRead(ctx, data);
    }

    @Override
    public void onPushPromiseRead(ChannelHandlerContext ctx, int streamId, int promisedStreamId, Http2Headers headers,
            int padding) throws Http2Exception {
        vertx.onPushPromiseRead(ctx, streamId, promisedStreamId, headers, padding);
    }

    @Override
    public void onGoAwayRead(ChannelHandlerContext ctx, int lastStreamId, long errorCode, ByteBuf debugData)
            throws Http2Exception {
        vertx.onGoAwayRead(ctx, lastStreamId, errorCode, debugData);
    }

    @Override
    public void onUnknownFrame(ChannelHandlerContext ctx, byte frameType, int streamId, Http2Flags flags,
            ByteBuf payload) throws Http2Exception {
        vertx.onUnknownFrame(ctx, frameType, streamId, flags, payload);
    }
}

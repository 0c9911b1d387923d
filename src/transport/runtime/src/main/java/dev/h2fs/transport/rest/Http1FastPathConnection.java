package dev.h2fs.transport.rest;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Map;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.net.HostAndPort;

import dev.h2fs.transport.drain.Http1ResponseTracker;
import dev.h2fs.transport.http2.StreamTakeover;

/**
 * One HTTP/1.1 connection's fast path: a handler in Vert.x's pipeline, after its request decoder and response encoder
 * and in front of its connection handler, that takes the requests the fast path serves ({@link FastPathWorker#take})
 * and passes every other message to Vert.x untouched.
 * <p>
 * HTTP/1.1 answers a connection's requests in the order they came (pipelining), so requests are served one at a time:
 * <ul>
 * <li>while a fast-path request is in flight, or the answers written wait beyond the channel's high-water mark (the
 * client does not read them), what the decoder reads next waits here, in order; past {@link #MAX_WAITING} messages the
 * connection stops reading until they have been served. So a client that pipelines requests without reading the
 * answers pins a bounded amount of memory (otherwise each request it sends, served at once, would add its response to
 * the outbound buffer), and the write-stall guard then closes it;</li>
 * <li>while Vert.x owes responses (requests passed on whose last bytes it has not written yet), every request goes to
 * Vert.x, which queues pipelined requests itself;</li>
 * <li>a request the fast path took but no resource maps goes to Vert.x then, as if it had never been looked at.</li>
 * </ul>
 * The connection's {@link Http1ResponseTracker} counts the fast path's requests as it counts Vert.x's, so a drain at
 * shutdown waits for both. Without a fast path ({@link #BOUND_ONLY}: it is off, or off for HTTP/1.1) the handler
 * is still there, every request goes to Vert.x, and the bound on pipelined requests holds for Vert.x's path too.
 * <p>
 * Failure policy: a malformed request, HTTP/1.0, a body, {@code Expect}, {@code Upgrade} or a {@code Host} that does
 * not parse go to Vert.x, which answers them as it always has. A response whose head cannot be encoded (a header value
 * with a line break) or that is aborted after its head went out closes this connection, as Vert.x's does; the
 * connection's end ends the request in flight (its close handlers run, the metrics record a reset).
 * <p>
 * Thread: the connection's event loop.
 */
public final class Http1FastPathConnection extends ChannelDuplexHandler {

    static final String NAME = "h2fs-fast-path-http1";
    /** Messages read while a request is served that wait here at most: a pipelined request is two (head, end). */
    static final int MAX_WAITING = 64;
    /** Vert.x's names of the handler the fast path sits in front of ({@code HttpServerWorker}). */
    private static final String VERTX_H2C_UPGRADE = "h2c";
    private static final String VERTX_HANDLER = "handler";

    final FastPathChannel channel;
    private final Http1ResponseTracker tracker;
    private ChannelHandlerContext context;

    private FastPathExchange inFlight;
    private boolean swallowEnd; // the end of a request the fast path took is still to come
    private int vertxOwes;
    private ArrayDeque<Object> waiting;
    private boolean paused;
    private boolean reading;
    private boolean flushAtReadEnd;
    private boolean resuming;
    private boolean firedToVertx;
    private boolean closing;
    private String goodHost;
    private FastPathExchange awaitingWritable;

    private Http1FastPathConnection(FastPathChannel channel, Http1ResponseTracker tracker) {
        this.channel = channel;
        this.tracker = tracker;
    }

    /** For connections without a fast path: HTTP/2 is left alone, HTTP/1.x gets the pipelining bound only. */
    public static final StreamTakeover BOUND_ONLY = new StreamTakeover() {
        @Override
        public void install(Http2ConnectionHandler http2, ChannelHandlerContext http2Context) {
            // HTTP/2 flow control and the stream budget bound what a client that does not read can pin
        }

        @Override
        public void installHttp1(ChannelPipeline pipeline) {
            Http1FastPathConnection.install(null, pipeline);
        }
    };

    /**
     * Puts the fast path in front of Vert.x's h2c upgrade handler (which sets up Vert.x's connection handler on the
     * first request it passes on) or its connection handler; neither there: Vert.x's pipeline is not one this knows,
     * and the connection stays Vert.x's.
     *
     * @param worker the worker's fast path; null: none (it is off, or off for HTTP/1.1), every request goes to Vert.x
     *        and only the pipelining bound is kept (a connection's next request waits while the answers written do
     *        not fit under the high-water mark), which Vert.x's HTTP/1.x connection does not have
     */
    static void install(FastPathWorker worker, ChannelPipeline pipeline) {
        String next = pipeline.get(VERTX_H2C_UPGRADE) != null
                ? VERTX_H2C_UPGRADE
                : pipeline.get(VERTX_HANDLER) != null ? VERTX_HANDLER : null;
        if (next == null) {
            return;
        }
        pipeline.addBefore(next, NAME, new Http1FastPathConnection(new FastPathChannel(pipeline.channel(), worker),
                Http1ResponseTracker.installBefore(pipeline, next)));
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        context = ctx;
    }

    // ---- reading

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        reading = true;
        if (inFlight != null || waiting != null && !waiting.isEmpty() || !ctx.channel().isWritable()) {
            hold(msg);
        } else {
            dispatch(msg);
        }
    }

    private void hold(Object msg) {
        if (waiting == null) {
            waiting = new ArrayDeque<>(8);
        }
        waiting.add(msg);
        if (waiting.size() >= MAX_WAITING && !paused) {
            paused = true;
            context.channel().config().setAutoRead(false);
        }
    }

    /** Takes a request, or passes the message on to Vert.x. */
    private void dispatch(Object msg) {
        if (closing) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest request) {
            if (vertxOwes == 0 && channel.worker != null) {
                // As Vert.x's HttpUtils.isKeepAlive for HTTP/1.1, the only version taken.
                boolean keepAlive = !request.headers().contains(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE,
                        true) && !tracker.isDraining();
                FastPathExchange exchange = channel.worker.take(this, request, keepAlive);
                if (exchange != null) {
                    swallowEnd = true;
                    inFlight = exchange;
                    tracker.requestStarted();
                    channel.worker.start(exchange);
                    return;
                }
            }
            vertxOwes++;
        } else if (swallowEnd && msg instanceof LastHttpContent) {
            swallowEnd = false; // empty: the request announced no body
            ReferenceCountUtil.release(msg);
            return;
        }
        firedToVertx = true;
        context.fireChannelRead(msg);
    }

    /** Serves what waited, in order, until a request is in flight again. */
    private void resume() {
        if (resuming) {
            return; // a request served right away ends inside the loop below: it goes on
        }
        resuming = true;
        firedToVertx = false;
        try {
            while (inFlight == null && waiting != null && !waiting.isEmpty() && context.channel().isWritable()) {
                dispatch(waiting.poll());
            }
        } finally {
            resuming = false;
        }
        if (paused && (waiting == null || waiting.isEmpty())) {
            paused = false;
            context.channel().config().setAutoRead(true);
        }
        if (firedToVertx && !reading) {
            // Vert.x's connection flushes what it wrote for a read when the read completes.
            context.fireChannelReadComplete();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        reading = false;
        if (flushAtReadEnd) {
            flushAtReadEnd = false;
            ctx.flush();
        }
        ctx.fireChannelReadComplete();
    }

    /**
     * @return whether the fast path may take the request: decoded, HTTP/1.1, no body announced, nothing Vert.x's
     *         connection acts on by itself ({@code Expect: 100-continue}, an h2c or WebSocket {@code Upgrade}), and a
     *         {@code Host} that parses (the last good one is remembered: a client sends the same one every time)
     */
    boolean admissible(HttpRequest request) {
        if (!request.decoderResult().isSuccess() || request.protocolVersion() != HttpVersion.HTTP_1_1) {
            return false;
        }
        HttpHeaders headers = request.headers();
        if (headers.contains(HttpHeaderNames.CONTENT_LENGTH) || headers.contains(HttpHeaderNames.TRANSFER_ENCODING)
                || headers.contains(HttpHeaderNames.EXPECT) || headers.contains(HttpHeaderNames.UPGRADE)) {
            return false;
        }
        String host = headers.get(HttpHeaderNames.HOST);
        if (host == null) {
            return false;
        }
        if (host.equals(goodHost)) {
            return true;
        }
        if (HostAndPort.parseAuthority(host, -1) == null) {
            return false;
        }
        goodHost = host;
        return true;
    }

    /**
     * The request's headers as the fast path reads them: HTTP/2 headers with {@code :method} and {@code :path} (no
     * {@code :scheme}, no {@code :authority}: the scheme is the connection's, the authority the {@code Host} header),
     * the names in lower case. A copy: a hand-back gives Vert.x the request as it came.
     */
    static Http2Headers headersOf(HttpRequest request, String method) {
        HttpHeaders received = request.headers();
        Http2Headers headers = new DefaultHttp2Headers(false, received.size() + 2);
        headers.method(method);
        headers.path(request.uri());
        Iterator<Map.Entry<CharSequence, CharSequence>> each = received.iteratorCharSequence();
        while (each.hasNext()) {
            Map.Entry<CharSequence, CharSequence> header = each.next();
            headers.add(FastPathExchange.lowerCase(header.getKey()), header.getValue());
        }
        return headers;
    }

    // ---- writing

    /** Vert.x's responses go past here: the last bytes of one (not a 100 Continue) settle a request it was given. */
    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (vertxOwes > 0 && msg instanceof LastHttpContent
                && !(msg instanceof HttpResponse response
                        && response.status().codeClass() == HttpStatusClass.INFORMATIONAL)) {
            vertxOwes--;
        }
        ctx.write(msg, promise);
    }

    /** Writes part of a fast-path response, towards the encoder. */
    void write(HttpObject msg, ChannelPromise promise) {
        context.write(msg, promise == null ? context.voidPromise() : promise);
    }

    /** Writes out what was written, now, or when the read in progress completes. */
    void flush() {
        if (reading) {
            flushAtReadEnd = true;
        } else {
            context.flush();
        }
    }

    /**
     * The exchange in flight has written its last bytes: it ends, and what waited is served; without keep-alive (the
     * client's {@code Connection: close}, or a drain) the connection closes once the response is out.
     */
    void ended(FastPathExchange exchange, boolean keepAlive) {
        if (inFlight != exchange) {
            return;
        }
        inFlight = null;
        exchange.onStreamClosed();
        if (!keepAlive || tracker.isDraining()) {
            close();
            return;
        }
        resume();
    }

    /** Closes the connection (its tracker lets the response in flight go out first). */
    void close() {
        closing = true;
        releaseWaiting();
        context.flush();
        context.close();
    }

    /** The exchange in flight leaves the fast path: Vert.x gets its request as it came, then what waited. */
    void handBack(FastPathExchange exchange, HttpRequest request) {
        if (inFlight != exchange) {
            return;
        }
        inFlight = null;
        tracker.requestWithdrawn();
        if (closing || !context.channel().isActive()) {
            return;
        }
        vertxOwes++;
        context.fireChannelRead(request);
        context.fireChannelRead(LastHttpContent.EMPTY_LAST_CONTENT); // its own end may still be coming: swallowed
        if (!reading) {
            context.fireChannelReadComplete();
        }
        resume();
    }

    // ---- the connection's state

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        FastPathExchange waiter = awaitingWritable;
        if (waiter != null && ctx.channel().isWritable() && waiter.windowOpenOrGone()) {
            awaitingWritable = null;
        }
        ctx.fireChannelWritabilityChanged();
        if (ctx.channel().isWritable() && inFlight == null) {
            resume();
        }
    }

    void awaitWritable(FastPathExchange exchange) {
        awaitingWritable = exchange;
    }

    void forget(FastPathExchange exchange) {
        if (awaitingWritable == exchange) {
            awaitingWritable = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closing = true;
        releaseWaiting();
        FastPathExchange exchange = inFlight;
        inFlight = null;
        if (exchange != null) {
            exchange.onStreamClosed();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseWaiting(); // the h2c upgrade removes every HTTP/1.x handler; nothing waits here then
    }

    private void releaseWaiting() {
        if (waiting != null) {
            Object msg;
            while ((msg = waiting.poll()) != null) {
                ReferenceCountUtil.release(msg);
            }
        }
    }

    ChannelHandlerContext context() {
        return context;
    }
}

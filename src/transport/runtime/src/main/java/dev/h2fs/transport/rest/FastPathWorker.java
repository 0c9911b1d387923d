package dev.h2fs.transport.rest;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Stream;
import io.vertx.core.Context;

import dev.h2fs.transport.http2.StreamBudget;
import dev.h2fs.transport.http2.StreamTakeover;
import dev.h2fs.transport.vertx.VertxBridge;

/**
 * The fast path on one worker: installs {@link FastPathConnection} on each of the worker's HTTP/2 connections and
 * {@link Http1FastPathConnection} on each HTTP/1.1 one, starts an exchange for each stream or request it takes, and
 * counts the requests it served.
 * <p>
 * Thread: the worker's loop, apart from {@link #served()}, which any thread may read.
 */
public final class FastPathWorker implements StreamTakeover {

    private final RestFastPath app;
    private final Context workerContext;
    private volatile long served; // written by the loop only

    FastPathWorker(RestFastPath app, Context workerContext) {
        this.app = app;
        this.workerContext = workerContext;
    }

    @Override
    public void install(Http2ConnectionHandler http2, ChannelHandlerContext http2Context) {
        new FastPathConnection(this, http2, http2Context);
    }

    @Override
    public void installHttp1(ChannelPipeline pipeline) {
        Http1FastPathConnection.install(app.servesHttp1() ? this : null, pipeline);
    }

    /** @return requests answered on the fast path since start (responses ended, not counting resets) */
    public long served() {
        return served;
    }

    /**
     * Takes the stream if the fast path serves it: a GET, HEAD or DELETE whose HEADERS ended the stream, to a path
     * {@link RestFastPath#takesPath} accepts. Over the worker's stream budget the stream is refused here, as Vert.x's
     * path would.
     *
     * @return false: the stream is Vert.x's
     */
    boolean take(FastPathConnection connection, int streamId, Http2Headers headers) {
        String method = RestFastPath.method(headers.method());
        CharSequence target = headers.path();
        if (method == null || target == null || !connection.wellFormed(headers)) {
            return false; // Vert.x answers malformed requests (RFC 9113 section 8.3.1: RST_STREAM PROTOCOL_ERROR)
        }
        String raw = target.toString();
        int question = raw.indexOf('?');
        String path = question < 0 ? raw : raw.substring(0, question);
        if (!app.takesPath(path)) {
            return false;
        }
        Http2Stream stream = connection.http2.connection().stream(streamId);
        if (stream == null) {
            return false;
        }
        StreamBudget budget = connection.context.channel().attr(StreamBudget.KEY).get();
        if (budget != null && !budget.admit()) {
            connection.refuse(streamId);
            return true;
        }
        Context requestContext = VertxBridge.duplicate(workerContext);
        FastPathExchange exchange = new FastPathExchange(app,
                new Http2FastPathStream(connection, stream, headers, "HEAD".equals(method)), headers, method, path,
                question < 0 ? null : raw.substring(question + 1), requestContext);
        stream.setProperty(connection.exchangeKey, exchange);
        VertxBridge.dispatch(requestContext, exchange::start);
        return true;
    }

    /**
     * Takes an HTTP/1.1 request if the fast path serves it: a GET, HEAD or DELETE in origin form whose head
     * announces no body and asks for nothing Vert.x's HTTP/1.x connection does by itself (an {@code Expect}, an
     * {@code Upgrade}), with one {@code Host} that parses, to a path {@link RestFastPath#takesPath} accepts.
     *
     * @param keepAlive whether the connection stays open after the response (no {@code Connection: close})
     * @return the exchange, not yet started ({@link #start}); null: the request is Vert.x's
     */
    FastPathExchange take(Http1FastPathConnection connection, HttpRequest request, boolean keepAlive) {
        String method = RestFastPath.method(request.method().asciiName());
        String raw = request.uri();
        if (method == null || raw.isEmpty() || raw.charAt(0) != '/' || !connection.admissible(request)) {
            return null;
        }
        int question = raw.indexOf('?');
        String path = question < 0 ? raw : raw.substring(0, question);
        if (!app.takesPath(path)) {
            return null;
        }
        Http2Headers headers = Http1FastPathConnection.headersOf(request, method);
        Context requestContext = VertxBridge.duplicate(workerContext);
        Http1FastPathStream stream = new Http1FastPathStream(connection, request, "HEAD".equals(method), keepAlive);
        FastPathExchange exchange = new FastPathExchange(app, stream, headers, method, path,
                question < 0 ? null : raw.substring(question + 1), requestContext);
        stream.exchange(exchange);
        return exchange;
    }

    /** Starts an exchange {@link #take} returned, once its connection has made it the one in flight. */
    void start(FastPathExchange exchange) {
        VertxBridge.dispatch(exchange.vertxContext(), exchange::start);
    }

    void served(String method, String template, String path, int status, long nanos) {
        served = served + 1;
        if (app.metrics() != null) {
            app.metrics().record(method, template, path, status, nanos);
        }
    }

    void reset(String method, String template, String path, long nanos) {
        if (app.metrics() != null) {
            app.metrics().reset(method, template, path, nanos);
        }
    }
}

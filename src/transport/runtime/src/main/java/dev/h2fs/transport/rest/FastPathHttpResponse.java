package dev.h2fs.transport.rest;

import java.util.Set;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.spi.observability.HttpResponse;

import dev.h2fs.transport.vertx.VertxBridge;

/**
 * Vert.x's view of a fast-path response, for {@link FastPathRoutingContext}: the status and headers are the
 * exchange's (a CORS filter's headers go out with RESTEasy's response). Ending it, which a filter does only to
 * answer the request itself, hands the request to Vert.x's path instead ({@link FastPathRoutingContext#answered}).
 * <p>
 * Thread: the thread the request runs on.
 */
final class FastPathHttpResponse implements HttpServerResponse, HttpResponse {

    private final FastPathExchange exchange;
    private final FastPathRoutingContext routing;
    private final MultiMap headers;
    private String statusMessage;
    private volatile boolean answered;

    FastPathHttpResponse(FastPathExchange exchange, FastPathRoutingContext routing) {
        this.exchange = exchange;
        this.routing = routing;
        this.headers = VertxBridge.headers(exchange.responseHeaders());
    }

    private Future<Void> answered() {
        answered = true;
        routing.answered();
        return Future.succeededFuture();
    }

    private UnsupportedOperationException unsupported(String method) {
        return routing.unsupported("HttpServerResponse." + method);
    }

    @Override
    public HttpServerResponse addCookie(Cookie cookie) {
        throw unsupported("addCookie");
    }

    @Override
    public HttpServerResponse bodyEndHandler(Handler<Void> handler) {
        throw unsupported("bodyEndHandler");
    }

    @Override
    public long bytesWritten() {
        return exchange.bodyBytesWritten();
    }

    /** @return the routing context this response belongs to (and, through it, the fast path's request) */
    FastPathRoutingContext routing() {
        return routing;
    }

    @Override
    public void close() {
        throw unsupported("close");
    }

    @Override
    public HttpServerResponse closeHandler(Handler<Void> handler) {
        throw unsupported("closeHandler");
    }

    @Override
    public boolean closed() {
        return exchange.closed();
    }

    @Override
    public HttpServerResponse drainHandler(Handler<Void> handler) {
        throw unsupported("drainHandler");
    }

    @Override
    public Future<Void> end(String chunk, String encoding) {
        return answer(Buffer.buffer(chunk, encoding));
    }

    @Override
    public void end(String chunk, Handler<AsyncResult<Void>> handler) {
        handler.handle(answer(Buffer.buffer(chunk)));
    }

    @Override
    public Future<Void> end(String chunk) {
        return answer(Buffer.buffer(chunk));
    }

    @Override
    public Future<Void> end(Buffer data) {
        return answer(data);
    }

    @Override
    public void end(Buffer data, Handler<AsyncResult<Void>> handler) {
        handler.handle(answer(data));
    }

    @Override
    public Future<Void> end() {
        return answer(null);
    }

    @Override
    public void end(String chunk, String encoding, Handler<AsyncResult<Void>> handler) {
        handler.handle(answer(Buffer.buffer(chunk, encoding)));
    }

    @Override
    public void end(Handler<AsyncResult<Void>> handler) {
        handler.handle(answer(null));
    }

    /**
     * A filter's answer hands the request to Vert.x's path ({@link #answered}); the error handler's, once RESTEasy has
     * given up on the request, is written through the exchange.
     */
    private Future<Void> answer(Buffer body) {
        if (!routing.answersItself()) {
            return answered();
        }
        if (!exchange.closed()) {
            if (body == null) {
                exchange.end();
            } else {
                exchange.end(body.getBytes());
            }
        }
        return Future.succeededFuture();
    }

    @Override
    public HttpServerResponse endHandler(Handler<Void> handler) {
        throw unsupported("endHandler");
    }

    @Override
    public boolean ended() {
        return answered || exchange.closed();
    }

    @Override
    public HttpServerResponse exceptionHandler(Handler<Throwable> handler) {
        throw unsupported("exceptionHandler");
    }

    @Override
    public int getStatusCode() {
        return exchange.statusCode();
    }

    @Override
    public int statusCode() {
        return exchange.statusCode();
    }

    @Override
    public String getStatusMessage() {
        return statusMessage;
    }

    @Override
    public boolean headWritten() {
        return exchange.headWritten();
    }

    @Override
    public MultiMap headers() {
        return headers;
    }

    @Override
    public HttpServerResponse headersEndHandler(Handler<Void> handler) {
        throw unsupported("headersEndHandler");
    }

    @Override
    public boolean isChunked() {
        return false;
    }

    @Override
    public Future<HttpServerResponse> push(HttpMethod method, String path, String host, MultiMap headers) {
        throw unsupported("push");
    }

    @Override
    public Future<HttpServerResponse> push(HttpMethod method, HostAndPort authority, String path, MultiMap headers) {
        throw unsupported("push");
    }

    @Override
    public HttpServerResponse putHeader(String name, String value) {
        headers.set(name, value);
        return this;
    }

    @Override
    public HttpServerResponse putHeader(CharSequence name, CharSequence value) {
        headers.set(name, value);
        return this;
    }

    @Override
    public HttpServerResponse putHeader(String name, Iterable<String> values) {
        headers.set(name, values);
        return this;
    }

    @Override
    public HttpServerResponse putHeader(CharSequence name, Iterable<CharSequence> values) {
        headers.set(name, values);
        return this;
    }

    @Override
    public HttpServerResponse putTrailer(CharSequence name, CharSequence value) {
        throw unsupported("putTrailer");
    }

    @Override
    public HttpServerResponse putTrailer(String name, String value) {
        throw unsupported("putTrailer");
    }

    @Override
    public HttpServerResponse putTrailer(String name, Iterable<String> values) {
        throw unsupported("putTrailer");
    }

    @Override
    public HttpServerResponse putTrailer(CharSequence name, Iterable<CharSequence> values) {
        throw unsupported("putTrailer");
    }

    @Override
    public Cookie removeCookie(String name, boolean invalidate) {
        throw unsupported("removeCookie");
    }

    @Override
    public Cookie removeCookie(String name, String domain, String path, boolean invalidate) {
        throw unsupported("removeCookie");
    }

    @Override
    public Set<Cookie> removeCookies(String name, boolean invalidate) {
        throw unsupported("removeCookies");
    }

    @Override
    public boolean reset(long code) {
        throw unsupported("reset");
    }

    @Override
    public HttpServerResponse sendFile(String filename, long offset, long length, Handler<AsyncResult<Void>> handler) {
        throw unsupported("sendFile");
    }

    @Override
    public Future<Void> sendFile(String filename, long offset, long length) {
        throw unsupported("sendFile");
    }

    @Override
    public HttpServerResponse setChunked(boolean chunked) {
        return this;
    }

    @Override
    public HttpServerResponse setStatusCode(int statusCode) {
        exchange.setStatusCode(statusCode);
        return this;
    }

    @Override
    public HttpServerResponse setStatusMessage(String statusMessage) {
        this.statusMessage = statusMessage;
        return this;
    }

    @Override
    public HttpServerResponse setWriteQueueMaxSize(int maxSize) {
        throw unsupported("setWriteQueueMaxSize");
    }

    @Override
    public int streamId() {
        return exchange.streamId();
    }

    @Override
    public MultiMap trailers() {
        throw unsupported("trailers");
    }

    @Override
    public Future<Void> write(String chunk, String encoding) {
        throw unsupported("write");
    }

    @Override
    public Future<Void> write(String chunk) {
        throw unsupported("write");
    }

    @Override
    public void write(String chunk, String encoding, Handler<AsyncResult<Void>> handler) {
        throw unsupported("write");
    }

    @Override
    public void write(String chunk, Handler<AsyncResult<Void>> handler) {
        throw unsupported("write");
    }

    @Override
    public void write(Buffer data, Handler<AsyncResult<Void>> handler) {
        throw unsupported("write");
    }

    @Override
    public Future<Void> write(Buffer data) {
        throw unsupported("write");
    }

    @Override
    public HttpServerResponse writeContinue() {
        throw unsupported("writeContinue");
    }

    @Override
    public HttpServerResponse writeCustomFrame(int type, int flags, Buffer data) {
        throw unsupported("writeCustomFrame");
    }

    @Override
    public void writeEarlyHints(MultiMap headers, Handler<AsyncResult<Void>> handler) {
        throw unsupported("writeEarlyHints");
    }

    @Override
    public Future<Void> writeEarlyHints(MultiMap headers) {
        throw unsupported("writeEarlyHints");
    }

    @Override
    public Future<Void> writeHead() {
        throw unsupported("writeHead");
    }

    @Override
    public boolean writeQueueFull() {
        return false;
    }
}

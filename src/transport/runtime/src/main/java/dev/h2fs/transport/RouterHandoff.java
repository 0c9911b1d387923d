package dev.h2fs.transport;

import io.quarkus.vertx.http.runtime.VertxHttpRecorder;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;

/**
 * Delivers each request to Quarkus's router, on the worker loop that owns the connection.
 * <p>
 * The root handler is looked up per request: {@link VertxHttpRecorder#getRootHandler()} returns Quarkus's stable
 * entry point, which reads the current router on every call, so dev-mode restarts (which swap the router) are
 * picked up without touching open connections. A request announcing a body larger than the limit is answered
 * {@code 413} here, before any routing.
 * <p>
 * Thread: any worker loop; stateless apart from the immutable limit.
 */
public final class RouterHandoff implements Handler<HttpServerRequest> {

    private final long maxBodySize;

    /** @param maxBodySize largest {@code Content-Length} accepted, in bytes */
    public RouterHandoff(long maxBodySize) {
        this.maxBodySize = maxBodySize;
    }

    @Override
    public void handle(HttpServerRequest request) {
        if (announcesTooLargeBody(request)) {
            if (request.version() != HttpVersion.HTTP_2) {
                // The unread body would otherwise be parsed as the next request.
                request.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
            }
            request.response().setStatusCode(413).end();
            return;
        }
        VertxHttpRecorder.getRootHandler().handle(request);
    }

    private boolean announcesTooLargeBody(HttpServerRequest request) {
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length == null) {
            return false;
        }
        try {
            return Long.parseLong(length.trim()) > maxBodySize;
        } catch (NumberFormatException e) {
            return false; // malformed: the codec and the router reject it with their usual answer
        }
    }
}

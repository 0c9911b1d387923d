package dev.h2fs.transport.http2;

import io.netty.handler.codec.http2.Http2Error;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;

import dev.h2fs.transport.vertx.VertxBridge;

/**
 * Refuses an HTTP/2 request whose worker is over its {@link StreamBudget}, with RST_STREAM(REFUSED_STREAM), before it
 * reaches the router; passes every other request on. HTTP/1.x requests are not counted: a connection carries one at a
 * time, so the connection count bounds them.
 * <p>
 * Thread: the worker loop that owns the request's connection.
 */
public final class StreamAdmission implements Handler<HttpServerRequest> {

    private final Handler<HttpServerRequest> next;

    public StreamAdmission(Handler<HttpServerRequest> next) {
        this.next = next;
    }

    @Override
    public void handle(HttpServerRequest request) {
        if (request.version() == HttpVersion.HTTP_2) {
            StreamBudget budget = VertxBridge.channelOf(request.connection()).attr(StreamBudget.KEY).get();
            if (budget != null && !budget.admit()) {
                request.response().reset(Http2Error.REFUSED_STREAM.code());
                return;
            }
        }
        next.handle(request);
    }
}

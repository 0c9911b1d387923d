package dev.h2fs.transport.drain;

import io.netty.channel.Channel;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;

import dev.h2fs.transport.vertx.VertxBridge;

/**
 * Wraps the router hand-off to keep count of HTTP/1.x requests in flight per connection (see
 * {@link Http1ResponseTracker}), and to answer requests that arrive on a draining HTTP/1.x connection with
 * {@code Connection: close}. HTTP/2 needs none of this: its streams are drained by GOAWAY.
 * <p>
 * Thread: the worker loop that owns the request's connection.
 */
public final class DrainingHandoff implements Handler<HttpServerRequest> {

    private final Handler<HttpServerRequest> next;

    public DrainingHandoff(Handler<HttpServerRequest> next) {
        this.next = next;
    }

    @Override
    public void handle(HttpServerRequest request) {
        if (request.version() != HttpVersion.HTTP_2) {
            Channel channel = VertxBridge.channelOf(request.connection());
            Http1ResponseTracker tracker = Http1ResponseTracker.of(channel);
            if (tracker != null) {
                tracker.requestStarted();
                if (tracker.isDraining()) {
                    request.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
                }
            }
        }
        next.handle(request);
    }
}

package dev.h2fs.transport.drain;

import java.time.Duration;

import io.netty.channel.Channel;

import dev.h2fs.transport.vertx.VertxBridge;

/**
 * Starts the graceful end of one connection at shutdown: HTTP/2 gets GOAWAY and closes when its open streams are
 * done (or after the drain timeout); HTTP/1.x closes now if idle, else after the response in flight; a connection
 * that has not even shown its protocol yet is closed.
 * <p>
 * Thread: the connection's loop.
 */
public final class ConnectionDrain {

    private ConnectionDrain() {
    }

    public static void start(Channel channel, Duration timeout) {
        assert channel.eventLoop().inEventLoop();
        if (!channel.isOpen() || VertxBridge.shutdownHttp2(channel, timeout)) {
            return;
        }
        Http1ResponseTracker tracker = (Http1ResponseTracker) channel.pipeline().get(Http1ResponseTracker.NAME);
        if (tracker != null) {
            tracker.drain(channel);
        } else {
            channel.close(); // no request has ever been handed over on it: nothing to wait for
        }
    }
}

package dev.h2fs.transport.rest;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import io.vertx.core.net.SocketAddress;

import dev.h2fs.transport.vertx.VertxBridge;

/**
 * What the fast path knows of one connection whatever its protocol: its channel, whether it is TLS, the worker's fast
 * path that counts its requests, and Vert.x's views of its addresses (made on first use: forwarded headers, the access
 * log and tracing each ask for them per request). Shared by {@link FastPathConnection} (HTTP/2) and
 * {@link Http1FastPathConnection}, and read by their exchanges through {@link FastPathStream#connection()}.
 * <p>
 * Thread: any; the addresses are immutable once made (a race makes two equal ones).
 */
final class FastPathChannel {

    final Channel channel;
    final boolean tls;
    /** The worker's fast path; null on an HTTP/1.x connection that has only the pipelining bound. */
    final FastPathWorker worker;
    private SocketAddress remoteAddress;
    private SocketAddress localAddress;

    FastPathChannel(Channel channel, FastPathWorker worker) {
        this.channel = channel;
        this.tls = channel.pipeline().get(SslHandler.class) != null;
        this.worker = worker;
    }

    /** @return Vert.x's view of the client's address */
    SocketAddress remoteAddress() {
        SocketAddress address = remoteAddress;
        if (address == null) {
            address = VertxBridge.socketAddress(channel.remoteAddress());
            remoteAddress = address;
        }
        return address;
    }

    /** @return Vert.x's view of the server's address */
    SocketAddress localAddress() {
        SocketAddress address = localAddress;
        if (address == null) {
            address = VertxBridge.socketAddress(channel.localAddress());
            localAddress = address;
        }
        return address;
    }
}

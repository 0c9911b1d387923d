package dev.h2fs.transport.guard;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * Sits right after Vert.x's HTTP/1.x request decoder and tells the {@link ConnectionGuard} when a request head has been
 * parsed and when a request has ended; everything passes through unchanged.
 * <p>
 * Thread: the connection's event loop (Netty's handler contract).
 */
final class Http1HeadObserver extends ChannelInboundHandlerAdapter {

    private final ConnectionGuard guard;

    Http1HeadObserver(ConnectionGuard guard) {
        this.guard = guard;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            guard.onRequestHead(request.headers().contains(HttpHeaderNames.UPGRADE));
        }
        if (msg instanceof LastHttpContent) {
            guard.onRequestEnd();
        }
        ctx.fireChannelRead(msg);
    }
}

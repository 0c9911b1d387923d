package dev.h2fs.transport.guard;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;

import dev.h2fs.transport.loop.LingeringClose;

/**
 * The {@link ConnectionGuard}'s place in the pipeline: next to the socket, behind only the {@link LingeringClose}, so
 * it sees every byte read and every message written while the connection is served. On a TLS connection there are two: one next to the socket counts the ciphertext going out, one
 * right after the TLS handler follows the plaintext (requests, HTTP/2 frames).
 * <p>
 * Reading: until Vert.x has chosen between HTTP/1.x and h2c prior knowledge, the bytes are handed on one at a time.
 * Vert.x's detector sets up the HTTP/1.x pipeline and feeds it the rest of the read in one call; one byte at a time
 * lets the guard put its head observer behind the decoder before the first request head can go past (at most 24
 * single-byte reads per connection: the length of the HTTP/2 preface).
 * <p>
 * Vert.x's h2c upgrade removes every handler but its Http2ConnectionHandler once the upgrade request is done; the
 * handler then puts a fresh copy of itself back (right behind the {@link LingeringClose}, which stays first), so the
 * guard keeps watching the upgraded connection.
 * <p>
 * Thread: the connection's event loop (Netty's handler contract).
 */
final class GuardHandler extends ChannelDuplexHandler {

    private final ConnectionGuard guard;
    private final boolean socketSide;
    private final boolean plaintextSide;

    /**
     * @param socketSide whether this handler is next to the socket and counts the bytes that go into it
     * @param plaintextSide whether this handler sees plaintext: it then follows requests and HTTP/2 frames (without
     *        TLS one handler is both)
     */
    GuardHandler(ConnectionGuard guard, boolean socketSide, boolean plaintextSide) {
        this.guard = guard;
        this.socketSide = socketSide;
        this.plaintextSide = plaintextSide;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!plaintextSide || !(msg instanceof ByteBuf buf)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (guard.protocolUnknown()) {
            guard.afterDetectorStep(ctx.pipeline()); // with TLS, ALPN may have chosen during the handshake
        }
        if (guard.protocolUnknown()) {
            try {
                while (guard.protocolUnknown() && buf.isReadable() && ctx.channel().isActive()) {
                    ctx.fireChannelRead(buf.readRetainedSlice(1));
                    guard.afterDetectorStep(ctx.pipeline());
                }
            } catch (RuntimeException e) {
                buf.release();
                throw e;
            }
            if (!buf.isReadable() || !ctx.channel().isActive()) {
                buf.release();
                return;
            }
        }
        guard.onBytesRead();
        ctx.fireChannelRead(buf);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (plaintextSide) {
            guard.onPlaintextWrite(msg);
        }
        if (socketSide) {
            guard.onSocketWrite(msg);
        }
        ctx.write(msg, promise);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        // Only the cleartext h2c upgrade removes us while the connection lives; with TLS there is no such upgrade.
        if (socketSide && plaintextSide && guard.channelOpen()) {
            GuardHandler again = new GuardHandler(guard, true, true);
            ChannelPipeline pipeline = ctx.pipeline();
            // Behind the lingering close, which must stay first: the guard's own close starts from this handler.
            if (pipeline.get(LingeringClose.HANDLER_NAME) != null) {
                pipeline.addAfter(LingeringClose.HANDLER_NAME, ctx.name(), again);
            } else {
                pipeline.addFirst(ctx.name(), again);
            }
        }
    }
}

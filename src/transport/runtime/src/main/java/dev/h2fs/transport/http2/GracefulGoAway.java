package dev.h2fs.transport.http2;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Error;

/**
 * Turns a request to close a live HTTP/2 connection into the two-phase GOAWAY of RFC 9113 section 6.8, so that no
 * request the client has already sent is lost:
 * <ol>
 * <li>GOAWAY with the largest stream identifier (2^31-1) and NO_ERROR, then a PING: the client stops opening streams,
 * and every stream it sent before it read the GOAWAY is still accepted;</li>
 * <li>once the PING's ACK is read (one round trip: everything the client sent before the GOAWAY has arrived by then) or
 * after {@link #ACK_BOUND_MILLIS}, the final GOAWAY with the last stream actually opened;</li>
 * <li>then Netty's own graceful close: the streams up to that identifier are served, and the connection closes when
 * the last one ends, or after the closer's graceful-shutdown timeout.</li>
 * </ol>
 * A single GOAWAY carrying the last stream seen fails every request the client sent in the same round trip (seen:
 * all 200 in flight of {@code h2load -c20 -m10} at SIGTERM, and requests in flight during a dev-mode reload, where
 * Quarkus closes every connection but the one that triggered it).
 * <p>
 * Who uses it: every close that travels the pipeline from its tail, through this handler (installed right after the
 * HTTP/2 handler), to Netty's: Vert.x's {@code HttpConnection.close()} and {@code shutdown(timeout)}, hence the drain at
 * shutdown and Quarkus's dev-mode reload. A close of zero timeout (Vert.x's {@code close()}) would cut the streams
 * that were just accepted; they get {@link #DEFAULT_STREAM_GRACE_MILLIS} instead. Closes that must be immediate do not
 * come this way: Netty's connection errors close from the HTTP/2 handler's context and the connection guard from its
 * own, both nearer the socket; a connection that already sent GOAWAY, or is not active, closes as asked.
 * <p>
 * Thread: the connection's event loop (Netty's handler contract); {@link #pingAcknowledged} too.
 */
public final class GracefulGoAway extends ChannelOutboundHandlerAdapter {

    /** Name in the pipeline. */
    public static final String HANDLER_NAME = "h2fs-graceful-goaway";
    /** Longest wait for the PING's ACK before the final GOAWAY: a round trip, generously. */
    static final long ACK_BOUND_MILLIS = 1_000;
    /** How long accepted streams may take when the closer allowed none (Netty's default graceful timeout). */
    static final long DEFAULT_STREAM_GRACE_MILLIS = 30_000;
    /** The PING's opaque data: "h2fsgoaw". */
    static final long PING_DATA = 0x6832667367_6f6177L;

    private enum State {
        OPEN, ANNOUNCED, CLOSING
    }

    private final Http2ConnectionHandler http2;
    private final ChannelHandlerContext http2Context;
    private ChannelHandlerContext context;
    private State state = State.OPEN;
    private ChannelPromise pendingClose;
    private ScheduledFuture<?> ackTimer;

    /**
     * @param http2 the connection's HTTP/2 handler
     * @param http2Context its context, through which the GOAWAY and PING frames are written
     */
    public GracefulGoAway(Http2ConnectionHandler http2, ChannelHandlerContext http2Context) {
        this.http2 = http2;
        this.http2Context = http2Context;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        context = ctx;
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        if (state != State.OPEN || !ctx.channel().isActive() || http2.connection().goAwaySent()) {
            ctx.close(promise);
            return;
        }
        state = State.ANNOUNCED;
        pendingClose = promise;
        http2.goAway(http2Context, Integer.MAX_VALUE, Http2Error.NO_ERROR.code(), Unpooled.EMPTY_BUFFER,
                http2Context.newPromise());
        http2.encoder().writePing(http2Context, false, PING_DATA, http2Context.newPromise());
        http2Context.flush();
        ackTimer = ctx.executor().schedule(() -> finish(ctx), ACK_BOUND_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * The client acknowledged a PING; called by the inbound inspector after the frames read with it have gone to
     * Netty, so the streams they opened count as opened.
     */
    void pingAcknowledged() {
        if (state == State.ANNOUNCED) {
            finish(context);
        }
    }

    /** @return whether the first GOAWAY went out and the final one has not */
    public boolean announced() {
        return state == State.ANNOUNCED;
    }

    private void finish(ChannelHandlerContext ctx) {
        if (state != State.ANNOUNCED) {
            return;
        }
        state = State.CLOSING;
        ackTimer.cancel(false);
        if (http2.gracefulShutdownTimeoutMillis() == 0) {
            http2.gracefulShutdownTimeoutMillis(DEFAULT_STREAM_GRACE_MILLIS);
        }
        if (ctx.channel().isActive()) {
            http2.goAway(http2Context, http2.connection().remote().lastStreamCreated(), Http2Error.NO_ERROR.code(),
                    Unpooled.EMPTY_BUFFER, http2Context.newPromise());
        }
        // Netty's close sees the GOAWAY sent, flushes, and closes once the accepted streams have ended.
        ctx.close(pendingClose);
        pendingClose = null;
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (ackTimer != null) {
            ackTimer.cancel(false);
        }
    }
}

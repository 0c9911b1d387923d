package dev.h2fs.transport.http2;

import java.util.concurrent.TimeUnit;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Stream;

/**
 * Ends the request body of a stream whose response is complete: RST_STREAM(NO_ERROR), which RFC 9113 section 8.1 gives
 * a server for exactly this ("a server can send a complete response prior to the client sending an entire request
 * ... [and] request that the client abort transmission of a request without error"). Without it, an upload answered
 * early (413 for a declared length over the limit, 415, 400) stays half-open: the client keeps sending until the
 * flow-control window closes, and the stream then holds a slot of the connection and of the worker's stream budget
 * until the idle timeout. Nothing else on the connection is touched. The reset follows the response after
 * {@link #DELAY_MILLIS}, unless the client has ended its request by then.
 * <p>
 * A stream reaches half-closed (local) only when its response ended before its request: a body-less request (every
 * GET) is half-closed (remote) first, so this costs nothing on the hot path.
 * <p>
 * Thread: the connection's event loop (Netty's connection listeners run there).
 */
final class UnreadBodyReset extends Http2ConnectionAdapter {

    /** How long the rest of the body may still come before the stream is reset. */
    static final long DELAY_MILLIS = 1_000;

    private final Http2ConnectionHandler http2;
    private final ChannelHandlerContext http2Context;

    UnreadBodyReset(Http2ConnectionHandler http2, ChannelHandlerContext http2Context) {
        this.http2 = http2;
        this.http2Context = http2Context;
    }

    @Override
    public void onStreamHalfClosed(Http2Stream stream) {
        if (stream.state() != Http2Stream.State.HALF_CLOSED_LOCAL) {
            return;
        }
        // Not at once: a client that is about to end its request (or to send a frame the protocol must still answer on
        // this stream, as h2spec's flow-control cases do right after their request) would otherwise meet a stream we
        // already closed. A client that ends its request within the delay needs no reset at all.
        http2Context.executor().schedule(() -> {
            if (stream.state() == Http2Stream.State.HALF_CLOSED_LOCAL) {
                http2.resetStream(http2Context, stream.id(), Http2Error.NO_ERROR.code(), http2Context.newPromise());
                http2Context.flush();
            }
        }, DELAY_MILLIS, TimeUnit.MILLISECONDS);
    }
}

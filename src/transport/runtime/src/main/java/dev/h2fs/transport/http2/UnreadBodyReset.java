package dev.h2fs.transport.http2;

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
 * until the idle timeout. Nothing else on the connection is touched.
 * <p>
 * A stream reaches half-closed (local) only when its response ended before its request: a body-less request (every
 * GET) is half-closed (remote) first, so this costs nothing on the hot path.
 * <p>
 * Thread: the connection's event loop (Netty's connection listeners run there).
 */
final class UnreadBodyReset extends Http2ConnectionAdapter {

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
        // After the frame that ended the response has gone to the frame writer, which is still on the call stack.
        http2Context.executor().execute(() -> {
            if (stream.state() == Http2Stream.State.HALF_CLOSED_LOCAL) {
                http2.resetStream(http2Context, stream.id(), Http2Error.NO_ERROR.code(), http2Context.newPromise());
                http2Context.flush();
            }
        });
    }
}

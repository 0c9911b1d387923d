package dev.h2fs.transport.http2;

import org.jboss.logging.Logger;

import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2LocalFlowController;
import io.netty.handler.codec.http2.Http2Stream;

/**
 * Raises the receive window of each stream that carries a request body, and the connection's with it, to the upload
 * window ({@code http2.upload-window-size}), as far as the worker's {@link StreamBudget} has window bytes to spare; the
 * grant goes back to the budget when the stream closes, and the connection's window shrinks back by as much.
 * <p>
 * Why: a 64 KiB window (RFC 9113's initial value, and the connection's, which SETTINGS cannot change) lets a client
 * have 64 KiB in flight; Netty returns credit when half of it has been read, so one upload stream crawls in 32 KiB
 * round trips, each through the client's and the server's loops (h2c uploads measured at 0.55-0.75x of HTTP/1.1).
 * Raising SETTINGS_INITIAL_WINDOW_SIZE instead would let every stream of every connection pin that much unread body;
 * a grant per stream keeps what slow consumers can pin bounded by the budget, on top of the initial windows.
 * <p>
 * A stream is granted when it becomes active with its remote side open, i.e. its HEADERS did not end it: a body
 * follows. Body-less requests (every GET) cost nothing.
 * <p>
 * Thread: the connection's event loop (Netty's connection listeners run there).
 */
final class UploadWindow extends Http2ConnectionAdapter {

    private static final Logger LOG = Logger.getLogger(UploadWindow.class);

    private final Http2Connection connection;
    private final StreamBudget budget;
    private final Http2Connection.PropertyKey granted;

    UploadWindow(Http2Connection connection, StreamBudget budget) {
        this.connection = connection;
        this.budget = budget;
        this.granted = connection.newKey();
    }

    @Override
    public void onStreamActive(Http2Stream stream) {
        if (stream.state() != Http2Stream.State.OPEN) {
            return;
        }
        Http2LocalFlowController flow = connection.local().flowController();
        int extra = budget.grantWindow(flow.initialWindowSize());
        if (extra <= 0) {
            return;
        }
        try {
            flow.incrementWindowSize(stream, extra);
            flow.incrementWindowSize(connection.connectionStream(), extra);
            stream.setProperty(granted, extra);
        } catch (Http2Exception e) {
            // Only an overflow past 2^31-1 throws, which the budget's bounds rule out; the grant is given back.
            budget.returnWindow(extra);
            LOG.debugf(e, "no upload window for stream %d", stream.id());
        }
    }

    @Override
    public void onStreamClosed(Http2Stream stream) {
        Integer extra = stream.removeProperty(granted);
        if (extra == null) {
            return;
        }
        budget.returnWindow(extra);
        try {
            // Lowers the target the connection's window is refilled to; credit the client already has is not taken
            // back (HTTP/2 cannot), it simply is not renewed.
            connection.local().flowController().incrementWindowSize(connection.connectionStream(), -extra);
        } catch (Http2Exception e) {
            LOG.debugf(e, "connection window not lowered after stream %d", stream.id());
        }
    }
}

package dev.h2fs.transport.drain;

import java.util.concurrent.TimeUnit;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * Knows whether an HTTP/1.x connection is in the middle of a request, which Vert.x 4 does not tell (its HTTP/1.x
 * connections cannot be shut down gracefully). A request counts from the moment it is handed to the router until
 * the last byte of its response has been written; a connection told to {@link #drain} closes as soon as none is
 * in flight.
 * <p>
 * Sits just before Vert.x's connection handler ({@code "handler"}), or before the REST fast path's HTTP/1.1 handler,
 * so that it sees the response's {@link LastHttpContent} on its way out. Thread: the connection's loop only.
 */
public final class Http1ResponseTracker extends ChannelDuplexHandler {

    static final String NAME = "h2fs-http1-tracker";
    /** Longest wait of a close asked from above for the response in flight. */
    static final long CLOSE_WAIT_MILLIS = 30_000;

    private int inFlight;
    private boolean draining;
    /** A close asked from above while a response was in flight; done once it has been written. */
    private ChannelPromise pendingClose;

    /** The tracker of {@code channel}, installed on first use; on the channel's loop. */
    static Http1ResponseTracker of(Channel channel) {
        assert channel.eventLoop().inEventLoop();
        Http1ResponseTracker tracker = (Http1ResponseTracker) channel.pipeline().get(NAME);
        if (tracker == null && channel.pipeline().get("handler") != null) {
            tracker = new Http1ResponseTracker();
            channel.pipeline().addBefore("handler", NAME, tracker);
        }
        return tracker;
    }

    /**
     * The tracker of a connection whose requests do not all go through the router (the REST fast path's HTTP/1.1
     * connection), installed before the handler named {@code next} so that it sees that handler's responses too.
     */
    public static Http1ResponseTracker installBefore(ChannelPipeline pipeline, String next) {
        Http1ResponseTracker tracker = (Http1ResponseTracker) pipeline.get(NAME);
        if (tracker == null) {
            tracker = new Http1ResponseTracker();
            pipeline.addBefore(next, NAME, tracker);
        }
        return tracker;
    }

    /** A request was handed to the router, or taken by the fast path. */
    public void requestStarted() {
        inFlight++;
    }

    /**
     * A request the fast path took goes to the router after all, which counts it again: this count is taken back
     * (no close follows from it: the request is still to be answered).
     */
    public void requestWithdrawn() {
        inFlight--;
    }

    /** @return whether the connection is to close once its responses in flight are written */
    public boolean isDraining() {
        return draining;
    }

    /** Close now if idle, else once the responses in flight are written. */
    void drain(Channel channel) {
        draining = true;
        if (inFlight == 0) {
            channel.close();
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (draining && msg instanceof HttpResponse response) {
            // The client must not send another request on a connection about to close (RFC 9112 section 9.6).
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        if (msg instanceof LastHttpContent && !informational(msg)) {
            // Unvoid: a void promise cannot carry a listener, and we must act once the bytes are out.
            ChannelPromise tracked = promise.unvoid();
            tracked.addListener((ChannelFutureListener) f -> {
                inFlight--;
                if (draining && inFlight <= 0) {
                    if (pendingClose != null) {
                        closePending(ctx);
                    } else {
                        ctx.channel().close();
                    }
                }
            });
            ctx.write(msg, tracked);
            return;
        }
        ctx.write(msg, promise);
    }

    /** @return whether {@code msg} is an interim response ({@code 100 Continue}): the final one is still to come */
    private static boolean informational(Object msg) {
        return msg instanceof HttpResponse response && response.status().codeClass() == HttpStatusClass.INFORMATIONAL;
    }

    /**
     * A close asked from above (Quarkus closes every other connection on a dev-mode reload) while a request is in
     * flight waits for its response, which tells the client {@code Connection: close}: the request was read, so it is
     * answered rather than lost. Closes from the transport's guard start nearer the socket and do not come here.
     */
    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        if (inFlight > 0 && pendingClose == null && ctx.channel().isActive()) {
            draining = true;
            pendingClose = promise;
            // A response that never completes (its writer failed after the head went out) must not hold the
            // connection open until the idle timeout.
            ctx.executor().schedule(() -> closePending(ctx), CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            return;
        }
        ctx.close(promise);
    }

    private void closePending(ChannelHandlerContext ctx) {
        ChannelPromise asked = pendingClose;
        pendingClose = null;
        if (asked != null) {
            ctx.close(asked);
        }
    }
}

package dev.h2fs.transport.loop;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.ChannelOutputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;

/**
 * Closes a connection the way nginx's lingering close does, so that the client reads the last thing the server sent
 * (an HTTP/2 GOAWAY above all) before the connection goes.
 * <p>
 * Why: {@code close(2)} on a socket whose receive buffer holds unread bytes makes the kernel answer with a TCP RST
 * (RFC 1122 section 4.2.2.13), and a client that is still sending, as every flood is when the server gives up on it,
 * keeps the buffer full. The RST discards what the server had not yet sent, and on the client it fails the next write
 * and may overtake what is still to be read: measured on loopback with 1,000 HEADERS + RST_STREAM pairs per
 * connection, every h2c try ended in a reset right after the GOAWAY(ENHANCE_YOUR_CALM), and over TLS 2 tries in 125
 * lost the GOAWAY entirely (the JDK's TLS client saw a bare reset).
 * <p>
 * What: the first {@code close()} of an active connection that reaches this handler, first in the pipeline, nearest
 * the socket (so after TLS has written its close_notify), does not close. It flushes; once every byte written before
 * it has gone to the kernel it shuts the output ({@link DuplexChannel#shutdownOutput()}: a FIN behind the last
 * byte), or at once after {@link #dropQueuedOutputOnClose} (a client that does not read would not take the bytes
 * anyway); meanwhile it keeps reading with auto-read on and releases every buffer read, before TLS or HTTP/2 see it. The
 * connection closes when the client ends its side (Netty closes a channel itself on end of input) or when
 * {@code linger} has passed since the {@code close()}, whichever comes first. So a lingering connection holds its
 * pipeline for at most {@code linger} and no byte it reads; it stays open, and so counts against
 * {@code max-connections}, until then; shutting the loops down closes it at once (that close bypasses the pipeline).
 * <p>
 * Straight through, with nothing to wait for: a close of a channel that is not active, whose input or output is
 * already shut, or that is not a {@link DuplexChannel}. Closes that bypass the pipeline (shed or never-registered
 * connections, loop shutdown) do not come here.
 * <p>
 * Failure policy: the flush or the output shutdown fails (the socket broke): the connection closes at once. An
 * exception that reaches this handler while lingering (writes the output shutdown failed, a read error, after which
 * Netty closes the channel itself) goes no further. Nothing is logged above DEBUG. Further closes while lingering
 * complete when the connection closes. Counted: each lingering close, and each one the bound ended
 * ({@link Counts}).
 * <p>
 * Vert.x's h2c upgrade removes every handler but the HTTP/2 one; this handler then puts a fresh copy of itself first
 * again.
 * <p>
 * Thread: the connection's event loop, a worker loop (Netty's handler contract; asserted in {@link #close}).
 */
public final class LingeringClose extends ChannelDuplexHandler {

    private static final Logger LOG = Logger.getLogger(LingeringClose.class);

    /** Name in the pipeline. */
    public static final String HANDLER_NAME = "h2fs-lingering-close";

    /** What one worker's lingering closes did. Thread: any (counted on worker loops, read by the metrics scraper). */
    public static final class Counts {
        private final AtomicLong lingered = new AtomicLong();
        private final AtomicLong expired = new AtomicLong();

        /** @return closes that lingered (output shut, input read and dropped before the close) */
        public long lingered() {
            return lingered.get();
        }

        /** @return lingering closes the bound ended: the client did not close its side in time (still sending, or silent) */
        public long expired() {
            return expired.get();
        }
    }

    private enum State {
        /** serving: everything passes */
        OPEN,
        /** a close arrived: output flushed then shut, input dropped, until the client's end or the bound */
        LINGERING,
        /** the real close was asked for, or happened */
        CLOSED
    }

    private final long lingerNanos;
    private final Counts counts;
    private State state = State.OPEN;
    // The first close's promise, completed by the real close; null once that close has been handed on.
    private ChannelPromise pendingClose;
    private ScheduledFuture<?> bound;
    private long lingerStart;
    // Set by dropQueuedOutputOnClose: the output is shut without waiting for the bytes Netty still queues.
    private boolean dropQueuedOutput;

    /**
     * @param lingerNanos longest time between a close and the real close; greater than 0
     * @param counts where the worker counts this connection's lingering close
     */
    public LingeringClose(long lingerNanos, Counts counts) {
        if (lingerNanos <= 0) {
            throw new IllegalArgumentException("linger must be positive: " + lingerNanos);
        }
        this.lingerNanos = lingerNanos;
        this.counts = counts;
    }

    /** Puts a lingering close first in {@code channel}'s pipeline (call after every other handler is installed). */
    public static void install(Channel channel, long lingerNanos, Counts counts) {
        assert channel.eventLoop().inEventLoop();
        channel.pipeline().addFirst(HANDLER_NAME, new LingeringClose(lingerNanos, counts));
    }

    /**
     * Makes the next close of {@code channel} shut its output at once, dropping the bytes the kernel has not taken,
     * instead of waiting for them: for a client that stopped reading, whose queued bytes would only be held until the
     * bound (the connection guard's write stall). Its input is still read and dropped as in every lingering close.
     */
    public static void dropQueuedOutputOnClose(Channel channel) {
        LingeringClose handler = channel.pipeline().get(LingeringClose.class);
        if (handler != null) {
            handler.dropQueuedOutput = true;
        }
    }

    /** @return whether {@code channel} is being closed by its lingering close (its limits no longer matter) */
    public static boolean closing(Channel channel) {
        LingeringClose handler = channel.pipeline().get(LingeringClose.class);
        return handler != null && handler.state != State.OPEN;
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        assert ctx.executor().inEventLoop();
        Channel channel = ctx.channel();
        if (state != State.OPEN) {
            if (!promise.isVoid()) {
                channel.closeFuture().addListener(closed -> promise.trySuccess());
            }
            return;
        }
        if (!(channel instanceof DuplexChannel duplex) || !channel.isActive() || duplex.isInputShutdown()
                || duplex.isOutputShutdown()) {
            state = State.CLOSED;
            ctx.close(promise);
            return;
        }
        state = State.LINGERING;
        pendingClose = promise;
        lingerStart = System.nanoTime();
        counts.lingered.incrementAndGet();
        bound = ctx.executor().schedule(() -> expire(ctx), lingerNanos, TimeUnit.NANOSECONDS);
        channel.closeFuture().addListener(closed -> closed());
        if (dropQueuedOutput) {
            shutOutput(ctx, duplex);
        } else {
            // An empty write completes once every byte queued before it has gone to the kernel: only then may the FIN
            // go.
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(flushed -> {
                if (flushed.isSuccess()) {
                    shutOutput(ctx, duplex);
                } else {
                    closeNow(ctx, "flush failed");
                }
            });
        }
        // Vert.x pauses reading under back-pressure; unread bytes are exactly what makes close(2) send RST.
        channel.config().setAutoRead(true);
        ctx.read();
    }

    /** FIN behind what the kernel has taken; whatever Netty still queues is failed, as a close would fail it. */
    private void shutOutput(ChannelHandlerContext ctx, DuplexChannel duplex) {
        duplex.shutdownOutput().addListener(shut -> {
            if (!shut.isSuccess()) {
                closeNow(ctx, "output shutdown failed");
            }
        });
    }

    private void expire(ChannelHandlerContext ctx) {
        if (state == State.LINGERING) {
            counts.expired.incrementAndGet();
            closeNow(ctx, "linger bound reached");
        }
    }

    private void closeNow(ChannelHandlerContext ctx, String why) {
        if (state != State.LINGERING) {
            return;
        }
        state = State.CLOSED;
        LOG.debugf("lingering close of %s ends after %d ms: %s", ctx.channel(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lingerStart), why);
        ChannelPromise promise = pendingClose;
        pendingClose = null;
        ctx.close(promise);
    }

    /** The channel has closed: by {@link #closeNow}, or by Netty itself on the client's end of input or a reset. */
    private void closed() {
        if (state == State.LINGERING) {
            LOG.debugf("lingering close ends after %d ms: the client closed",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lingerStart));
        }
        state = State.CLOSED;
        bound.cancel(false);
        if (pendingClose != null) {
            ChannelPromise promise = pendingClose;
            pendingClose = null;
            promise.trySuccess();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (state == State.OPEN) {
            ctx.fireChannelRead(msg);
        } else {
            ReferenceCountUtil.release(msg); // nobody above will read again
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (state == State.OPEN) {
            ctx.fireChannelReadComplete();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        // Our own output shutdown is no news to handlers that have already asked for the close.
        if (state == State.OPEN || !(evt instanceof ChannelOutputShutdownEvent)) {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (state == State.OPEN) {
            ctx.fireExceptionCaught(cause);
        } else {
            // Writes failed by the output shutdown, or a read error (after which Netty closes the channel itself):
            // nothing above needs to know, and the bound ends the linger in any case.
            LOG.debugf("while %s lingers: %s", ctx.channel(), cause);
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        Channel channel = ctx.channel();
        if (state == State.OPEN && channel.isOpen() && channel.isRegistered()) {
            // Only Vert.x's h2c upgrade removes us from a live connection; every close must still come here.
            ctx.pipeline().addFirst(HANDLER_NAME, new LingeringClose(lingerNanos, counts));
        } else if (bound != null) {
            bound.cancel(false);
        }
    }
}

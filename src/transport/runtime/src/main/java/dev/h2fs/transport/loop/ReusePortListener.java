package dev.h2fs.transport.loop;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ServerChannel;

/**
 * {@code reuseport} mode: one {@code SO_REUSEPORT} listening socket per worker, registered on that worker's own loop.
 * The kernel spreads new connections over the sockets; each accepted child is adopted by the same worker directly
 * (no queue, no balancer, no thread hop).
 * <p>
 * Failure policy as in {@link Acceptor} ({@link AcceptGate}, {@link ConnectionLimit}): a lack of descriptors or memory
 * pauses accepting for a second, any other accept error closes this listener loudly; at the connection limit accepting
 * pauses; a connection that fails to set up closes alone.
 * <p>
 * Thread: {@link #bind} by the starting thread; the handler on the worker's loop (asserted); the rest any thread.
 */
public final class ReusePortListener {

    private static final Logger LOG = Logger.getLogger(ReusePortListener.class);

    private final Worker worker;
    private final ServerChannel channel;
    private final AtomicLong acceptErrors;
    private final AcceptGate gate;

    /**
     * @param worker the worker that owns this listener and every connection it accepts
     * @param channel an unregistered listening channel with {@code SO_REUSEPORT} set
     * @param acceptErrors shared counter of accept errors
     * @param limitPauses shared counter of pauses at the connection limit
     * @param limit the transport's connection limit
     */
    public ReusePortListener(Worker worker, ServerChannel channel, AtomicLong acceptErrors, AtomicLong limitPauses,
            ConnectionLimit limit) {
        this.worker = worker;
        this.channel = channel;
        this.acceptErrors = acceptErrors;
        this.gate = new AcceptGate(channel, worker.eventLoop(), "worker " + worker.id() + "'s listener", acceptErrors,
                limitPauses, limit);
    }

    /** Registers and binds with accepting off; see {@link #startAccepting()}. Blocks until bound. */
    public InetSocketAddress bind(SocketAddress address, int backlog) throws InterruptedException {
        return ListeningSocket.bindPaused(channel, worker.eventLoop(), new AdoptHandler(), address, backlog);
    }

    /** Starts taking connections. */
    public void startAccepting() {
        worker.eventLoop().execute(gate::start);
    }

    /** @return whether the listening socket was closed by an accept error that cannot heal; any thread */
    public boolean failed() {
        return gate.failed();
    }

    /** Closes the listening socket. Blocks until closed. */
    public void close() {
        if (channel.isRegistered()) {
            channel.close().syncUninterruptibly();
        } else {
            channel.unsafe().closeForcibly(); // never registered (a failed start): only its socket to release
        }
    }

    /** @return whether the listening socket is open; any thread */
    public boolean isListening() {
        return channel.isActive();
    }

    @ChannelHandler.Sharable
    private final class AdoptHandler extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            assert worker.eventLoop().inEventLoop();
            Channel child = (Channel) msg;
            try {
                child.config().setOption(ChannelOption.TCP_NODELAY, true);
                gate.accepted(child);
                worker.adopt(child);
            } catch (Throwable t) {
                acceptErrors.incrementAndGet();
                LOG.warnf(t, "worker %d could not set up connection from %s; closing it", worker.id(),
                        child.remoteAddress());
                child.unsafe().closeForcibly();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            gate.onAcceptError(cause);
        }
    }
}

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
import io.netty.channel.EventLoop;
import io.netty.channel.ServerChannel;

import dev.h2fs.transport.balance.LoadBalancer;

/**
 * The acceptor: one listening socket on its own single-thread loop. Netty's server channel accepts and fires each
 * new child channel through the server pipeline; our handler there takes it (there is no ServerBootstrap and so no
 * default acceptor), hashes it, and lets the {@link LoadBalancer} hand it to a worker queue.
 * <p>
 * Failure policy:
 * <ul>
 * <li>an error from {@code accept()} itself (reported through {@code exceptionCaught} on the server channel): a lack of
 * descriptors or memory pauses accepting for a second and retries; any other error closes the listener for good and
 * liveness goes DOWN ({@link AcceptGate});</li>
 * <li>at {@code h2fs.transport.max-connections} accepting pauses until a connection closes ({@link ConnectionLimit});
 * new connections wait in the kernel's backlog;</li>
 * <li>a connection the balancer cannot place (all queues full) is closed at once and counted as shed;</li>
 * <li>anything failing while placing one connection closes that connection only, and is counted as an accept
 * error without touching the listener.</li>
 * </ul>
 * Thread: constructed and {@link #bind bound} by the starting thread; the handler runs on the acceptor loop (asserted);
 * counters and {@link #isListening()} from any thread.
 */
public final class Acceptor {

    private static final Logger LOG = Logger.getLogger(Acceptor.class);

    private final EventLoop loop;
    private final ServerChannel channel;
    private final LoadBalancer<Channel> balancer;
    private final LoopHeartbeat heartbeat;
    private final AtomicLong acceptErrors = new AtomicLong();
    private final AtomicLong limitPauses = new AtomicLong();
    private final AcceptGate gate;

    /**
     * @param loop the acceptor's own loop
     * @param channel an unregistered listening channel of the loop's flavour
     * @param balancer chooses the worker for each connection; called on the acceptor loop only
     * @param limit the transport's connection limit
     */
    public Acceptor(EventLoop loop, ServerChannel channel, LoadBalancer<Channel> balancer, ConnectionLimit limit) {
        this.loop = loop;
        this.channel = channel;
        this.balancer = balancer;
        this.gate = new AcceptGate(channel, loop, "the acceptor", acceptErrors, limitPauses, limit);
        this.heartbeat = new LoopHeartbeat(loop, () -> {
        });
    }

    /**
     * Registers and binds the listening socket with reads (accepting) off; call {@link #startAccepting()} once the
     * workers are ready. Blocks until bound.
     *
     * @return the bound address (the actual port when 0 was asked)
     */
    public InetSocketAddress bind(SocketAddress address, int backlog) throws InterruptedException {
        return ListeningSocket.bindPaused(channel, loop, new AcceptHandler(), address, backlog);
    }

    /** Starts taking connections from the kernel's backlog. */
    public void startAccepting() {
        loop.execute(gate::start);
    }

    /** Closes the listening socket; open connections are the workers' business. Blocks until closed. */
    public void close() {
        if (channel.isRegistered()) {
            channel.close().syncUninterruptibly();
        } else {
            channel.unsafe().closeForcibly(); // never registered (a failed start): only its socket to release
        }
        heartbeat.stop();
    }

    /** @return whether the listening socket is open; any thread */
    public boolean isListening() {
        return channel.isActive();
    }

    /** @return whether the listening socket was closed by an accept error that cannot heal; any thread */
    public boolean failed() {
        return gate.failed();
    }

    /** @return how often accepting paused at the connection limit; any thread */
    public long limitPauses() {
        return limitPauses.get();
    }

    /** @return accept errors (listener-fatal or per-connection) since start; any thread */
    public long acceptErrors() {
        return acceptErrors.get();
    }

    /** @return the acceptor's loop (for diagnostics and tests) */
    public EventLoop eventLoop() {
        return loop;
    }

    /** @return the acceptor loop's heartbeat */
    public LoopHeartbeat heartbeat() {
        return heartbeat;
    }

    /** @return the balancer (for its counters) */
    public LoadBalancer<Channel> balancer() {
        return balancer;
    }

    /**
     * Spreads the remote address over the table. The low bits of an address hash are poorly mixed (ports of one
     * client are consecutive), so we finish with MurmurHash3's fmix32.
     */
    static int hash(Channel child) {
        SocketAddress remote = child.remoteAddress();
        int h = remote == null ? System.identityHashCode(child) : remote.hashCode();
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }

    @ChannelHandler.Sharable
    private final class AcceptHandler extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            assert loop.inEventLoop();
            Channel child = (Channel) msg;
            try {
                // Latency over batching for request/response traffic; set here, before hand-off, while no other
                // thread can see the channel.
                child.config().setOption(ChannelOption.TCP_NODELAY, true);
                gate.accepted(child);
                if (balancer.dispatch(child, hash(child)) == LoadBalancer.SHED) {
                    child.unsafe().closeForcibly(); // counted by the balancer
                }
            } catch (Throwable t) {
                acceptErrors.incrementAndGet();
                LOG.warnf(t, "could not place connection from %s; closing it", child.remoteAddress());
                child.unsafe().closeForcibly();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            gate.onAcceptError(cause);
        }
    }
}

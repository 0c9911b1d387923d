package dev.h2fs.transport.loop;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;

import dev.h2fs.transport.guard.ConnectionGuard;
import dev.h2fs.transport.guard.GuardLimits;
import dev.h2fs.transport.http2.InboundFrameInspector;
import dev.h2fs.transport.http2.StreamBudget;

/**
 * One worker: a single-thread event loop that runs every connection handed to it for the connection's whole life,
 * with its hand-off queue and its counters.
 * <p>
 * Thread: {@link #queue()} is fed by the acceptor (single producer); {@link #adopt} and the heartbeat run on this
 * worker's loop only (asserted); {@link #install} from any thread (a volatile swap, used at start and on dev-mode
 * restarts); the counters are readable from any thread.
 * <p>
 * Each connection gets a {@link ConnectionGuard} (request head timeout, write stall timeout) that the heartbeat
 * checks: one pass over the worker's connections per beat, no timer per connection, an
 * {@link InboundFrameInspector} (RFC 9113 stream-state answers Netty's HTTP/2 decoder gets wrong), and a
 * {@link LingeringClose} (its last bytes, a GOAWAY above all, reach the client before the close).
 */
public final class Worker {

    private static final Logger LOG = Logger.getLogger(Worker.class);

    private final int id;
    private final EventLoop eventLoop;
    private final WorkerQueue<Channel> queue;
    private final LoopHeartbeat heartbeat;
    // Connections this worker owns, each with its guard (null when the guard is off); confined to the loop.
    private final Map<Channel, ConnectionGuard> connections = new HashMap<>();
    private final AtomicInteger activeConnections = new AtomicInteger();
    private final AtomicLong acceptedConnections = new AtomicLong();
    // The budget's exact count, copied on each heartbeat for readers on other threads (it is confined to the loop).
    private volatile int activeStreams;
    // The HTTP pipeline installer for new connections; swapped when the application (re)starts.
    private volatile Consumer<Channel> pipelineInstaller;
    // The guard limits for new connections; set before pipelineInstaller, read after it.
    private volatile GuardLimits guardLimits = GuardLimits.DISABLED;
    private final AtomicLong requestHeadTimeouts = new AtomicLong();
    private final AtomicLong writeStalls = new AtomicLong();
    private final AtomicLong lostToDeadLoop = new AtomicLong();
    // How long a close may linger (0: none) for new connections; read on the loop in adopt, set by any thread.
    private volatile long lingerNanos;
    private final LingeringClose.Counts lingerCounts = new LingeringClose.Counts();
    private final StreamBudget streamBudget = new StreamBudget();
    // Told after each connection of this worker has closed (the drain waits for the last one); any thread reads it.
    private volatile Runnable onConnectionClosed = () -> {
    };

    /**
     * @param id worker number, 0-based; also the {@code worker} metric tag
     * @param eventLoop the loop this worker owns; must not be shared with another worker
     * @param queueCapacity capacity of the hand-off queue
     */
    public Worker(int id, EventLoop eventLoop, int queueCapacity) {
        this.id = id;
        this.eventLoop = eventLoop;
        this.queue = new WorkerQueue<>(queueCapacity, eventLoop, this::adopt, this::closeUnserved);
        this.heartbeat = new LoopHeartbeat(eventLoop, this::beat);
    }

    /**
     * A connection handed to this worker while its loop died: closed unserved and counted (on the acceptor's thread;
     * the channel was never registered with a loop).
     */
    private void closeUnserved(Channel child) {
        lostToDeadLoop.incrementAndGet();
        LOG.errorf("worker %d's loop is dead; closing the connection from %s unserved", id, child.remoteAddress());
        child.unsafe().closeForcibly();
    }

    /** @return whether this worker's loop has died (or shut down): it takes no more connections; any thread */
    public boolean isDead() {
        return queue.isDead() || eventLoop.isShutdown();
    }

    /** @return connections closed unserved because this worker's loop had died; any thread */
    public long lostToDeadLoop() {
        return lostToDeadLoop.get();
    }

    /** Sets what runs, on this loop, after each of this worker's connections has closed and been uncounted. */
    public void onConnectionClosed(Runnable listener) {
        this.onConnectionClosed = listener;
    }

    /**
     * Sets how long a close of a new connection may linger (see {@link LingeringClose}); {@code 0} closes at once.
     * Connections already open keep theirs.
     */
    public void lingerCloses(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("negative linger: " + nanos);
        }
        this.lingerNanos = nanos;
    }

    /** @return what this worker's lingering closes did; any thread */
    public LingeringClose.Counts lingerCounts() {
        return lingerCounts;
    }

    /** Sets how new connections get their HTTP pipeline and guard; connections already open keep theirs. */
    public void install(Consumer<Channel> installer, GuardLimits limits) {
        this.guardLimits = limits;
        this.pipelineInstaller = installer;
    }

    /**
     * Takes ownership of a freshly accepted, unregistered child channel: registers it with this loop and installs the
     * HTTP pipeline. Failure policy: a channel that cannot be registered or set up is closed on its own and never
     * affects the worker or the listener.
     */
    public void adopt(Channel child) {
        assert eventLoop.inEventLoop();
        acceptedConnections.incrementAndGet();
        Consumer<Channel> installer = pipelineInstaller;
        if (installer == null) {
            // Only possible if a connection slips in before install(); refuse it rather than serve it half set up.
            child.unsafe().closeForcibly();
            return;
        }
        // As Netty's ServerBootstrap does: the initializer runs once the channel is registered, before it goes
        // active and starts reading, so the first bytes already meet the HTTP pipeline.
        child.attr(StreamBudget.KEY).set(streamBudget);
        GuardLimits limits = guardLimits;
        ConnectionGuard guard = limits.enabled() ? new ConnectionGuard(limits) : null;
        long linger = lingerNanos;
        child.pipeline().addLast(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                installer.accept(ch);
                InboundFrameInspector.install(ch);
                if (guard != null) {
                    guard.install(ch);
                }
                if (linger > 0) {
                    LingeringClose.install(ch, linger, lingerCounts); // last, so that it is first
                }
            }
        });
        activeConnections.incrementAndGet();
        connections.put(child, guard);
        child.closeFuture().addListener((ChannelFutureListener) f -> {
            connections.remove(child);
            activeConnections.decrementAndGet();
            onConnectionClosed.run();
        });
        // We are on the loop, so registration runs inline.
        eventLoop.register(child).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                LOG.debugf(f.cause(), "worker %d could not register a connection; closing it", id);
                child.unsafe().closeForcibly();
            }
        });
    }

    /** On each heartbeat: publishes the stream count and checks every connection's guard. */
    private void beat() {
        assert eventLoop.inEventLoop();
        long now = System.nanoTime();
        activeStreams = streamBudget.open();
        List<ConnectionGuard> offenders = null;
        List<ConnectionGuard.Violation> violations = null;
        for (Map.Entry<Channel, ConnectionGuard> connection : connections.entrySet()) {
            ConnectionGuard guard = connection.getValue();
            ConnectionGuard.Violation violation = guard == null ? null : guard.check(now);
            if (violation != null) {
                if (offenders == null) {
                    offenders = new ArrayList<>();
                    violations = new ArrayList<>();
                }
                offenders.add(guard);
                violations.add(violation);
            }
        }
        // Closed after the loop: a close removes the connection from the map we iterate.
        for (int i = 0; offenders != null && i < offenders.size(); i++) {
            ConnectionGuard.Violation violation = violations.get(i);
            if (violation == ConnectionGuard.Violation.WRITE_STALL) {
                writeStalls.incrementAndGet();
            } else if (violation == ConnectionGuard.Violation.REQUEST_HEAD_TIMEOUT) {
                requestHeadTimeouts.incrementAndGet();
            } // IDLE is routine housekeeping, not an attack: not counted

            offenders.get(i).close(violation);
        }
    }

    /** @return this worker's number */
    public int id() {
        return id;
    }

    /** @return the loop this worker owns */
    public EventLoop eventLoop() {
        return eventLoop;
    }

    /** @return the hand-off queue (the acceptor is its only producer) */
    public WorkerQueue<Channel> queue() {
        return queue;
    }

    /** @return the loop's heartbeat (also samples the stream count) */
    public LoopHeartbeat heartbeat() {
        return heartbeat;
    }

    /** @return connections currently open on this worker; any thread */
    public int activeConnections() {
        return activeConnections.get();
    }

    /** @return connections this worker has taken since start; any thread */
    public long acceptedConnections() {
        return acceptedConnections.get();
    }

    /** @return connections closed because their request head or HTTP/2 preface was too slow; any thread */
    public long requestHeadTimeouts() {
        return requestHeadTimeouts.get();
    }

    /** @return connections closed because their response bytes stopped leaving; any thread */
    public long writeStalls() {
        return writeStalls.get();
    }

    /** @return the bound on HTTP/2 streams open at once across this worker's connections */
    public StreamBudget streamBudget() {
        return streamBudget;
    }

    /** @return HTTP/2 streams open on this worker at the last heartbeat; any thread */
    public int activeStreams() {
        return activeStreams;
    }

    /** Runs {@code action} for every connection this worker owns; on this worker's loop only. */
    public void forEachConnection(Consumer<Channel> action) {
        assert eventLoop.inEventLoop();
        // A copy: the action may close connections, whose close listeners remove them from the map.
        for (Channel channel : new ArrayList<>(connections.keySet())) {
            action.accept(channel);
        }
    }
}

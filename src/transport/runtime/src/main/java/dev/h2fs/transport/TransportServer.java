package dev.h2fs.transport;

import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

import dev.h2fs.transport.balance.IndirectTable;
import dev.h2fs.transport.balance.LoadBalancer;
import dev.h2fs.transport.drain.ConnectionDrain;
import dev.h2fs.transport.guard.GuardLimits;
import dev.h2fs.transport.http2.StreamBudget;
import dev.h2fs.transport.http2.StreamTakeover;
import dev.h2fs.transport.loop.Acceptor;
import dev.h2fs.transport.loop.ConnectionLimit;
import dev.h2fs.transport.loop.LingeringClose;
import dev.h2fs.transport.loop.NettyTransport;
import dev.h2fs.transport.loop.ReusePortListener;
import dev.h2fs.transport.loop.Worker;
import dev.h2fs.transport.rest.FastPathWorker;
import dev.h2fs.transport.rest.Http1FastPathConnection;
import dev.h2fs.transport.rest.RestFastPath;
import dev.h2fs.transport.vertx.VertxBridge;

/**
 * Owns the transport: the worker loops, the acceptor (or the per-worker {@code SO_REUSEPORT} listeners) and the
 * bridge to Vert.x/Quarkus. Life cycle: {@link #open} binds with accepting off, {@link #attach} connects it to the
 * running application and starts accepting (again after each dev-mode restart), {@link #close} ends it.
 * <p>
 * Thread: {@link #open}, {@link #attach} and {@link #close} from the thread that starts and stops Quarkus (never
 * concurrently); the getters from any thread.
 */
public final class TransportServer {

    private static final Logger LOG = Logger.getLogger(TransportServer.class);

    /**
     * What a listening transport is bound to; a dev-mode restart with an equal key keeps the loops and the socket.
     */
    public record Key(String host, int port, int threads, TransportMode mode, int queueCapacity,
            int indirectTableSize, int acceptBacklog, boolean nativeTransport) {

        /** @return the key {@code config} asks for, with {@code threads=0} resolved to the processor count */
        public static Key of(TransportConfig config) {
            int threads = config.threads() > 0 ? config.threads() : Runtime.getRuntime().availableProcessors();
            return new Key(config.host(), config.port(), threads, config.mode(), config.queueCapacity(),
                    config.indirectTableSize(), config.acceptBacklog(), config.nativeTransport());
        }
    }

    private final Key key;
    private final NettyTransport transport;
    private final TransportMode mode;
    private final EventLoopGroup workerGroup;
    private final EventLoopGroup acceptorGroup;
    private final List<Worker> workers;
    private final Acceptor acceptor;
    private final List<ReusePortListener> listeners;
    private final AtomicLong reusePortAcceptErrors = new AtomicLong();
    private final AtomicLong reusePortLimitPauses = new AtomicLong();
    private final ConnectionLimit connectionLimit = new ConnectionLimit();
    private volatile InetSocketAddress boundAddress;
    private volatile VertxBridge bridge;
    private volatile FastPathWorker[] fastPaths = new FastPathWorker[0];
    private volatile RestFastPath restFastPath;
    // Set once by drain(); completed by the last connection's close or by the drain's deadline.
    private volatile CompletableFuture<Integer> drained;

    private TransportServer(Key key, Vertx vertx) {
        this.key = key;
        this.transport = NettyTransport.select(key.nativeTransport());
        if (transport == NettyTransport.NIO) {
            Throwable why = key.nativeTransport() ? NettyTransport.epollUnavailabilityCause() : null;
            LOG.infof("h2fs transport: native epoll %s; using NIO", why == null
                    ? "disabled by configuration"
                    : "not available (" + why + ")");
        }
        if (key.mode() == TransportMode.REUSEPORT && !transport.supportsReusePort()) {
            LOG.warn("h2fs transport: mode=reuseport needs native epoll; using mode=acceptor");
            this.mode = TransportMode.ACCEPTOR;
        } else {
            this.mode = key.mode();
        }
        EventLoopGroup workerLoops = transport.newGroup(key.threads(),
                VertxBridge.eventLoopThreadFactory(vertx, "h2fs-worker-"));
        EventLoopGroup acceptorLoop = null;
        try {
            List<Worker> created = new ArrayList<>(key.threads());
            Iterator<EventExecutor> loops = workerLoops.iterator();
            for (int id = 0; loops.hasNext(); id++) {
                created.add(new Worker(id, (EventLoop) loops.next(), key.queueCapacity()));
            }
            this.workers = Collections.unmodifiableList(created);
            if (mode == TransportMode.ACCEPTOR) {
                // A plain (non-Vert.x) thread: the acceptor never runs application code.
                acceptorLoop = transport.newGroup(1, new DefaultThreadFactory("h2fs-acceptor", true));
                LoadBalancer<Channel> balancer = new LoadBalancer<>(
                        workers.stream().map(Worker::queue).toList(),
                        new IndirectTable(key.indirectTableSize(), workers.size()));
                this.acceptor = new Acceptor((EventLoop) acceptorLoop.next(), transport.newServerChannel(false),
                        balancer, connectionLimit);
                this.listeners = List.of();
            } else {
                this.acceptor = null;
                List<ReusePortListener> perWorker = new ArrayList<>();
                for (Worker worker : workers) {
                    perWorker.add(
                            new ReusePortListener(worker, transport.newServerChannel(true), reusePortAcceptErrors,
                                    reusePortLimitPauses, connectionLimit));
                }
                this.listeners = List.copyOf(perWorker);
            }
        } catch (RuntimeException | Error e) {
            // Nothing else will ever close these threads: the caller gets no server to close.
            shutDown(acceptorLoop);
            shutDown(workerLoops);
            throw e;
        }
        this.workerGroup = workerLoops;
        this.acceptorGroup = acceptorLoop;
    }

    private static void shutDown(EventLoopGroup group) {
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /**
     * Creates the loops and binds the listening socket(s), not yet accepting.
     *
     * @param heartbeatPeriod how often each loop proves it is alive
     */
    public static TransportServer open(Key key, Vertx vertx, Duration heartbeatPeriod) throws InterruptedException {
        TransportServer server = new TransportServer(key, vertx);
        try {
            server.bind(heartbeatPeriod);
        } catch (InterruptedException | RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    private void bind(Duration heartbeatPeriod) throws InterruptedException {
        InetSocketAddress requested = new InetSocketAddress(key.host(), key.port());
        try {
            bindListeners(requested);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) { // Netty rethrows the bind's checked cause (BindException, NativeIoException) undeclared
            BindException named = new BindException("h2fs transport cannot listen on " + key.host() + ":" + key.port()
                    + " (h2fs.transport.host, h2fs.transport.port): " + e.getMessage());
            named.initCause(e);
            throw new UncheckedIOException(named);
        }
        if (acceptor != null) {
            acceptor.heartbeat().start(heartbeatPeriod);
        }
        for (Worker worker : workers) {
            worker.heartbeat().start(heartbeatPeriod);
        }
        LOG.debugf("h2fs transport bound %s (mode=%s, %s, %d workers)", boundAddress, mode.name().toLowerCase(),
                transport.name().toLowerCase(), workers.size());
    }

    private void bindListeners(InetSocketAddress requested) throws InterruptedException {
        if (acceptor != null) {
            boundAddress = acceptor.bind(requested, key.acceptBacklog());
        } else {
            // The first bind settles the port (0 means any); the others share it through SO_REUSEPORT.
            InetSocketAddress address = requested;
            for (ReusePortListener listener : listeners) {
                address = listener.bind(address, key.acceptBacklog());
            }
            boundAddress = address;
        }
    }

    /**
     * Connects the transport to the (re)started application: every worker gets a fresh Vert.x context (with
     * {@code tccl}) and the bridge's pipeline for new connections; then accepting starts. A previous bridge is
     * closed; connections it set up keep running.
     */
    public void attach(VertxBridge newBridge, ClassLoader tccl) {
        attach(newBridge, tccl, GuardLimits.DISABLED);
    }

    /** As {@link #attach(VertxBridge, ClassLoader)}, with the per-connection guard limits new connections get. */
    public void attach(VertxBridge newBridge, ClassLoader tccl, GuardLimits limits) {
        attach(newBridge, tccl, limits, null);
    }

    /**
     * As {@link #attach(VertxBridge, ClassLoader, GuardLimits)}, with the REST fast path ({@code null}: none) that new
     * HTTP/2 connections get.
     */
    public void attach(VertxBridge newBridge, ClassLoader tccl, GuardLimits limits, RestFastPath fastPath) {
        newBridge.openMetrics(boundAddress);
        FastPathWorker[] newFastPaths = new FastPathWorker[workers.size()];
        for (Worker worker : workers) {
            Context context = newBridge.createWorkerContext(worker.eventLoop(), tccl);
            Consumer<Channel> initializer = newBridge.connectionInitializer(context, boundAddress);
            if (fastPath != null) {
                FastPathWorker takeover = fastPath.forWorker(context);
                newFastPaths[worker.id()] = takeover;
                Consumer<Channel> vertxInitializer = initializer;
                initializer = channel -> {
                    channel.attr(StreamTakeover.KEY).set(takeover);
                    vertxInitializer.accept(channel);
                };
            } else {
                // Without the fast path, HTTP/1.x connections still get its bound on pipelined requests.
                Consumer<Channel> vertxInitializer = initializer;
                initializer = channel -> {
                    channel.attr(StreamTakeover.KEY).set(Http1FastPathConnection.BOUND_ONLY);
                    vertxInitializer.accept(channel);
                };
            }
            worker.install(initializer, limits);
            // Dev mode: the application class loader changes on restart; our loops must load its classes.
            worker.eventLoop().execute(() -> Thread.currentThread().setContextClassLoader(tccl));
        }
        fastPaths = newFastPaths;
        restFastPath = fastPath;
        VertxBridge previous = bridge;
        bridge = newBridge;
        if (previous != null) {
            previous.close();
        }
        if (acceptor != null) {
            acceptor.startAccepting();
        }
        listeners.forEach(ReusePortListener::startAccepting);
    }

    /**
     * Graceful shutdown, first half: stops accepting (new connections are refused from now on), starts the graceful
     * close of every connection (HTTP/2: the two-phase GOAWAY, then close once its streams are done; HTTP/1.x: close
     * after the response in flight), and completes when the last connection has closed, or when {@code timeout} has
     * passed. {@link #close} afterwards ends whatever is left. Does not block; a second call returns the same drain.
     *
     * @return completes with the number of connections still open (0 when all closed in time)
     */
    public synchronized CompletableFuture<Integer> drain(Duration timeout) {
        if (drained != null) {
            return drained;
        }
        CompletableFuture<Integer> done = new CompletableFuture<>();
        drained = done;
        if (acceptor != null) {
            acceptor.close();
        }
        listeners.forEach(ReusePortListener::close);
        for (Worker worker : workers) {
            worker.onConnectionClosed(this::completeDrainIfEmpty);
            try {
                worker.eventLoop().execute(() -> worker.forEachConnection(ch -> ConnectionDrain.start(ch, timeout)));
            } catch (RejectedExecutionException dead) {
                // Its loop has died, and closed its connections as it went: nothing to drain there.
            }
        }
        // Not on a worker loop: any of them may be the dead one.
        CompletableFuture.delayedExecutor(timeout.toNanos(), TimeUnit.NANOSECONDS)
                .execute(() -> done.complete(openConnections()));
        completeDrainIfEmpty();
        return done;
    }

    private void completeDrainIfEmpty() {
        CompletableFuture<Integer> done = drained;
        if (done != null && !done.isDone() && openConnections() == 0) {
            done.complete(0);
        }
    }

    private int openConnections() {
        int open = 0;
        for (Worker worker : workers) {
            open += worker.activeConnections();
        }
        return open;
    }

    /** Closes the listener(s), then shuts the loops down, which closes every connection. Blocks (bounded). */
    public void close() {
        // Each step runs whatever the ones before did: a listener that never got registered (a failed start)
        // must not keep the loops from shutting down.
        try {
            if (acceptor != null) {
                acceptor.close();
            }
            listeners.forEach(ReusePortListener::close);
            workers.forEach(worker -> worker.heartbeat().stop());
        } finally {
            shutDown(acceptorGroup);
            shutDown(workerGroup);
            VertxBridge current = bridge;
            bridge = null;
            if (current != null) {
                current.close();
            }
        }
    }

    /** @return the key this server was opened with */
    public Key key() {
        return key;
    }

    /** @return the effective mode (reuseport falls back to acceptor without epoll) */
    public TransportMode mode() {
        return mode;
    }

    /**
     * Bounds the HTTP/2 streams open at once on each worker and on each connection (see {@link StreamBudget}); set
     * before {@link #attach} so that the first connection already meets it.
     */
    public void limitStreams(int perWorker, int perConnection) {
        for (Worker worker : workers) {
            worker.streamBudget().limit(perWorker);
            worker.streamBudget().limitPerConnection(perConnection);
        }
    }

    /**
     * Sets every worker's upload window: the receive window of a stream carrying a request body, and the bytes beyond
     * the initial window all such streams of one worker may hold together.
     */
    public void limitUploadWindows(int perStream, long budgetPerWorker) {
        for (Worker worker : workers) {
            worker.streamBudget().limitUploadWindows(perStream, budgetPerWorker);
        }
    }

    /** @return one line for the log: mode, I/O flavour, worker count and stream budget */
    public String describe() {
        return "mode=" + mode.name().toLowerCase() + ", " + transport.name().toLowerCase() + ", " + workers.size()
                + " workers, at most " + workers.get(0).streamBudget().limit() + " HTTP/2 streams per worker, at most "
                + connectionLimit.limit() + " connections";
    }

    /** @return the I/O flavour in use */
    public NettyTransport transport() {
        return transport;
    }

    /** @return the bound address, with the actual port */
    public InetSocketAddress boundAddress() {
        return boundAddress;
    }

    /** @return the workers, by number */
    public List<Worker> workers() {
        return workers;
    }

    /** @return the acceptor, or {@code null} in reuseport mode */
    public Acceptor acceptor() {
        return acceptor;
    }

    /** @return whether every listening socket is open */
    public boolean isListening() {
        if (acceptor != null) {
            return acceptor.isListening();
        }
        return listeners.stream().allMatch(ReusePortListener::isListening);
    }

    /**
     * @return whether a listening socket was closed by an accept error that cannot heal (not by shutdown): only a
     *         restart helps; any thread
     */
    public boolean listenerFailed() {
        return acceptor != null ? acceptor.failed() : listeners.stream().anyMatch(ReusePortListener::failed);
    }

    /**
     * Sets how long a close may linger on every worker (see {@link LingeringClose}; zero: closes at once); set before
     * {@link #attach} so that the first connection already gets it.
     */
    public void lingerCloses(Duration linger) {
        for (Worker worker : workers) {
            worker.lingerCloses(linger.toNanos());
        }
    }

    /** Bounds the connections open at once (see {@link ConnectionLimit}); set before {@link #attach}. */
    public void limitConnections(int max) {
        connectionLimit.limit(max);
    }

    /** @return the connection limit and count */
    public ConnectionLimit connectionLimit() {
        return connectionLimit;
    }

    /** @return how often accepting paused at the connection limit since start (both modes) */
    public long limitPauses() {
        return acceptor != null ? acceptor.limitPauses() : reusePortLimitPauses.get();
    }

    /** @return accept errors since start (both modes) */
    public long acceptErrors() {
        return acceptor != null ? acceptor.acceptErrors() : reusePortAcceptErrors.get();
    }

    /** @return connections moved off their table slot's worker since start (0 in reuseport mode) */
    public long reassignments() {
        return acceptor != null ? acceptor.balancer().reassignments() : 0;
    }

    /** @return connections closed because every worker queue was full (0 in reuseport mode) */
    public long shed() {
        return acceptor != null ? acceptor.balancer().shed() : 0;
    }

    /** @return whether HTTP request metrics are recorded for the transport's port */
    public boolean httpMetricsEnabled() {
        VertxBridge current = bridge;
        return current != null && current.metricsEnabled();
    }

    /** @return requests the REST fast path answered on worker {@code id} since the last attach; any thread */
    public long fastPathServed(int id) {
        FastPathWorker[] current = fastPaths;
        return id < current.length && current[id] != null ? current[id].served() : 0;
    }

    /** @return access-log lines of fast-path requests dropped (a full hand-off, a refusing log); any thread */
    public long accessLogDropped() {
        RestFastPath current = restFastPath;
        return current == null ? 0 : current.accessLogDropped();
    }
}

package dev.h2fs.transport.vertx;

import java.net.InetSocketAddress;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.impl.HttpServerImpl;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.impl.VertxThread;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.impl.SslChannelProvider;
import io.vertx.core.spi.VertxThreadFactory;
import io.vertx.core.spi.metrics.TCPMetrics;

/**
 * The one place that touches Vert.x 4.5 internals ({@code io.vertx.core.impl}, {@code io.vertx.core.http.impl},
 * {@code io.vertx.core.net.impl}). Everything else in the transport uses public Netty and Vert.x API. When a
 * Quarkus/Vert.x upgrade breaks this class, {@code VertxBridgeTest} fails first.
 * <p>
 * What it borrows:
 * <ul>
 * <li>Vert.x event-loop threads ({@link VertxThread}): Vert.x and Quarkus decide "am I on an event loop?" by the
 * thread's class, so our worker loops must run on them for non-blocking REST methods to be allowed there;</li>
 * <li>event-loop contexts bound to <em>our</em> Netty loops ({@code VertxInternal.createEventLoopContext}), so a
 * connection's callbacks, and the REST methods they reach, run on the worker that owns the connection;</li>
 * <li>Vert.x's own HTTP server connection code (h2c prior knowledge, HTTP/1.1, h2c upgrade on one port), taken from
 * an <em>unbound</em> {@link HttpServerImpl} through its protected {@code childHandler(..)}. Because that server never
 * binds, Vert.x never creates its metrics; we create them here, otherwise no {@code http_server_*} meter would count
 * traffic on our port.</li>
 * </ul>
 * Thread: construction, {@link #openMetrics}, {@link #connectionInitializer} and {@link #close} are called by the
 * thread starting or stopping the transport; the returned initializer runs on the worker loop of the context it was
 * made for. The static methods are thread-safe.
 */
public final class VertxBridge {

    private final VertxInternal vertx;
    private final UnboundHttpServer server;

    /**
     * @param vertx Quarkus's Vert.x instance
     * @param options protocol options of the connections (HTTP/2 settings, idle timeout, ...); host and port are
     *        ignored, nothing is bound
     * @param requestHandler receives every request, on the connection's worker loop
     */
    public VertxBridge(Vertx vertx, HttpServerOptions options, Handler<HttpServerRequest> requestHandler) {
        this.vertx = (VertxInternal) vertx;
        this.server = new UnboundHttpServer(this.vertx, options);
        server.requestHandler(requestHandler);
    }

    /**
     * A thread factory making Vert.x event-loop threads (daemon, named {@code prefix + n}) whose context class
     * loader is the caller's.
     */
    public static ThreadFactory eventLoopThreadFactory(Vertx vertx, String prefix) {
        VertxInternal internal = (VertxInternal) vertx;
        ClassLoader tccl = Thread.currentThread().getContextClassLoader();
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            VertxThread thread = VertxThreadFactory.INSTANCE.newVertxThread(runnable,
                    prefix + count.getAndIncrement(), false, internal.maxEventLoopExecTime(),
                    internal.maxEventLoopExecTimeUnit());
            thread.setDaemon(true); // never keep the JVM (or a dev-mode session) alive on our own
            thread.setContextClassLoader(tccl);
            return thread;
        };
    }

    /**
     * @return a Vert.x event-loop context running on {@code eventLoop}, with Quarkus's worker pool for blocking
     *         work and {@code tccl} as its context class loader
     */
    public Context createWorkerContext(EventLoop eventLoop, ClassLoader tccl) {
        return vertx.createEventLoopContext(eventLoop, vertx.getWorkerPool(), tccl);
    }

    /** @return whether {@code context} is an event-loop context running on {@code eventLoop}; any thread */
    public static boolean runsOn(Context context, EventLoop eventLoop) {
        return context instanceof ContextInternal && context.isEventLoopContext()
                && ((ContextInternal) context).nettyEventLoop() == eventLoop;
    }

    /**
     * Creates the server's HTTP metrics (through Vert.x's metrics SPI, i.e. Quarkus Micrometer) for the address the
     * transport is bound to. Call once, after binding, before the first connection.
     */
    public void openMetrics(InetSocketAddress boundAddress) {
        server.openMetrics(SocketAddress.inetSocketAddress(boundAddress.getPort(),
                boundAddress.getAddress().getHostAddress()));
    }

    /** @return whether HTTP metrics are being recorded (a metrics SPI is installed and {@link #openMetrics} ran) */
    public boolean metricsEnabled() {
        return server.getMetrics() != null;
    }

    /**
     * Returns what installs Vert.x's HTTP server pipeline on a fresh, registered child channel. The returned
     * consumer must be called on the event loop of {@code workerContext}, once per channel.
     *
     * @param workerContext a context from {@link #createWorkerContext}
     * @param boundAddress the listening address (gives the server origin, {@code http://host:port})
     */
    public Consumer<Channel> connectionInitializer(Context workerContext, InetSocketAddress boundAddress) {
        SocketAddress address = SocketAddress.inetSocketAddress(boundAddress.getPort(),
                boundAddress.getAddress().getHostAddress());
        BiConsumer<Channel, SslChannelProvider> childHandler = server.childHandlerFor((ContextInternal) workerContext,
                address);
        // Cleartext only for now: TLS (and its SslChannelProvider) arrives with the hardening issue.
        return channel -> childHandler.accept(channel, null);
    }

    /** Releases the HTTP metrics. Connections already open keep working. */
    public void close() {
        server.closeMetrics();
    }

    /**
     * An {@link HttpServerImpl} that is never bound: we only take its per-loop child handler, and supply the metrics
     * that {@code bind} would have created.
     */
    private static final class UnboundHttpServer extends HttpServerImpl {

        private volatile TCPMetrics<?> metrics;

        UnboundHttpServer(VertxInternal vertx, HttpServerOptions options) {
            super(vertx, options);
        }

        BiConsumer<Channel, SslChannelProvider> childHandlerFor(ContextInternal context, SocketAddress address) {
            // No global traffic shaping: the transport does its own load management.
            return childHandler(context, address, null);
        }

        void openMetrics(SocketAddress address) {
            metrics = createMetrics(address);
        }

        void closeMetrics() {
            TCPMetrics<?> current = metrics;
            metrics = null;
            if (current != null) {
                current.close();
            }
        }

        @Override
        public TCPMetrics<?> getMetrics() {
            return metrics;
        }

        @Override
        public boolean isMetricsEnabled() {
            return metrics != null;
        }
    }
}

package dev.h2fs.transport.vertx;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.ssl.SslHandler;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.impl.HttpServerImpl;
import io.vertx.core.http.impl.HttpUtils;
import io.vertx.core.http.impl.headers.Http2HeadersAdaptor;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.impl.VertxThread;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.core.net.impl.SSLHelper;
import io.vertx.core.net.impl.SslChannelProvider;
import io.vertx.core.net.impl.VertxHandler;
import io.vertx.core.spi.VertxThreadFactory;
import io.vertx.core.spi.metrics.TCPMetrics;
import io.vertx.core.spi.tracing.VertxTracer;

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
    private final SslChannelProvider sslChannelProvider;
    private final boolean h2Only;
    private final WriteBufferWaterMark waterMark;

    /**
     * @param vertx Quarkus's Vert.x instance
     * @param options protocol options of the connections (HTTP/2 settings, idle timeout, ...); host and port are
     *        ignored, nothing is bound
     * @param requestHandler receives every request, on the connection's worker loop
     */
    public VertxBridge(Vertx vertx, HttpServerOptions options, Handler<HttpServerRequest> requestHandler) {
        this(vertx, options, ConnectionTuning.DEFAULTS, requestHandler);
    }

    /**
     * @param vertx Quarkus's Vert.x instance
     * @param options protocol options of the connections (HTTP/2 settings, idle timeout, ...); host and port are
     *        ignored, nothing is bound
     * @param tuning what the connections get beyond {@code options}
     * @param requestHandler receives every request, on the connection's worker loop
     */
    public VertxBridge(Vertx vertx, HttpServerOptions options, ConnectionTuning tuning,
            Handler<HttpServerRequest> requestHandler) {
        this.vertx = (VertxInternal) vertx;
        this.server = newServer(this.vertx, options, tuning.uniformStreamScheduling());
        this.waterMark = tuning.waterMark();
        server.requestHandler(requestHandler);
        this.sslChannelProvider = options.isSsl() ? server.buildSslChannelProvider() : null;
        this.h2Only = options.isSsl() && options.getAlpnVersions().equals(List.of(HttpVersion.HTTP_2));
    }

    /** Vert.x 4.5's switch for its HTTP/2 servers' stream byte distributor ({@code HttpUtils}). */
    static final String STREAM_BYTE_DISTRIBUTOR_PROPERTY = "vertx.h2StreamByteDistributor";

    /**
     * Vert.x 4.5 has no option for the distributor: {@code HttpServerImpl}'s constructor reads a system property, once.
     * It is set for this construction only, so Quarkus's own HTTP server and Vert.x's clients keep what they had;
     * the lock keeps two bridges from interleaving (servers are built by the thread starting the application).
     */
    private static UnboundHttpServer newServer(VertxInternal vertx, HttpServerOptions options, boolean uniform) {
        synchronized (VertxBridge.class) {
            String previous = System.getProperty(STREAM_BYTE_DISTRIBUTOR_PROPERTY);
            setOrClear(STREAM_BYTE_DISTRIBUTOR_PROPERTY, uniform ? "uniform" : null);
            try {
                return new UnboundHttpServer(vertx, options);
            } finally {
                setOrClear(STREAM_BYTE_DISTRIBUTOR_PROPERTY, previous);
            }
        }
    }

    private static void setOrClear(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }

    /** For tests that check what Vert.x made of the construction. */
    HttpServerImpl httpServer() {
        return server;
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

    /**
     * @return a new duplicated context of {@code context}: what Vert.x gives each HTTP request (its own local data,
     *         on the same loop), and what Quarkus keeps a request's CDI request context in; any thread
     */
    public static Context duplicate(Context context) {
        return ((ContextInternal) context).duplicate();
    }

    /**
     * Runs {@code task} now, on the calling thread, with {@code context} as the current Vert.x context (and its class
     * loader as the thread's context class loader) for its duration. The caller must be {@code context}'s loop.
     * An exception {@code task} throws is reported to the context's exception handler, as Vert.x does for its own
     * handlers.
     */
    public static void dispatch(Context context, Runnable task) {
        ((ContextInternal) context).dispatch(task);
    }

    /**
     * @return the tracer Vert.x's HTTP server reports each request to (Quarkus OpenTelemetry's, while its SDK is
     *         on), or null when nothing traces
     */
    @SuppressWarnings("unchecked")
    public static VertxTracer<Object, Object> tracer(Vertx vertx) {
        return (VertxTracer<Object, Object>) ((VertxInternal) vertx).tracer();
    }

    /**
     * @return Vert.x's multi-map view of HTTP/2 headers, reading and writing {@code headers} (names lower-cased; what is
     *         set is checked as Vert.x checks it)
     */
    public static MultiMap headers(Http2Headers headers) {
        return new Http2HeadersAdaptor(headers);
    }

    /**
     * Checks a response header as Vert.x's header maps do when one is set, on both protocols (unless Vert.x's header
     * validation is turned off): a name that is not a token, a value with a line break or another control character
     * are refused with an {@code IllegalArgumentException}, so that a value cannot split a response.
     */
    public static void validateHeader(CharSequence name, CharSequence value) {
        if (!io.vertx.core.http.HttpHeaders.DISABLE_HTTP_HEADERS_VALIDATION) {
            HttpUtils.validateHeader(name, value);
        }
    }

    /** @return a case-sensitive multi-map of {@code values} (query parameters) */
    public static MultiMap multiMap(Map<String, List<String>> values) {
        MultiMap map = MultiMap.caseInsensitiveMultiMap();
        values.forEach(map::add);
        return map;
    }

    /** @return Vert.x's form of a channel's address; null for none */
    public static io.vertx.core.net.SocketAddress socketAddress(java.net.SocketAddress address) {
        return address instanceof InetSocketAddress inet
                ? io.vertx.core.net.SocketAddress.inetSocketAddress(inet)
                : null;
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

    /**
     * @return whether Vert.x has a metrics SPI (Quarkus Micrometer's binder), i.e. whether {@link #openMetrics} will
     *         create HTTP metrics; known before they are opened
     */
    public boolean metricsInstalled() {
        return vertx.metricsSPI() != null;
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
        Consumer<Channel> vertxPipeline = channel -> {
            channel.config().setWriteBufferWaterMark(waterMark);
            childHandler.accept(channel, sslChannelProvider);
        };
        if (!h2Only) {
            return vertxPipeline;
        }
        return channel -> {
            vertxPipeline.accept(channel);
            // Vert.x serves HTTP/1.1 when ALPN agreed on nothing; the reference server closed such clients, and
            // so do we. The listener fires on this loop right when the handshake ends, before any request is read.
            SslHandler ssl = channel.pipeline().get(SslHandler.class);
            ssl.handshakeFuture().addListener(done -> {
                if (done.isSuccess() && !"h2".equals(ssl.applicationProtocol())) {
                    channel.close();
                }
            });
        };
    }

    /**
     * Starts a graceful shutdown of an HTTP/2 connection: GOAWAY now, close once its open streams are done or
     * after {@code timeout}. Must run on the connection's loop.
     *
     * @return false if {@code channel} does not (yet) carry an HTTP/2 connection; the caller handles it
     */
    public static boolean shutdownHttp2(Channel channel, Duration timeout) {
        VertxHandler<?> handler = channel.pipeline().get(VertxHandler.class);
        if (handler == null || !(handler.getConnection() instanceof HttpConnection connection)) {
            return false;
        }
        try {
            connection.shutdown(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (UnsupportedOperationException http1) {
            return false; // Vert.x 4 cannot shut an HTTP/1.x connection down gracefully
        }
    }

    /** @return the Netty channel under a Vert.x HTTP connection; any thread */
    public static Channel channelOf(HttpConnection connection) {
        return ((ConnectionBase) connection).channel();
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
        private final HttpServerOptions tlsOptions;

        UnboundHttpServer(VertxInternal vertx, HttpServerOptions options) {
            super(vertx, options);
            this.tlsOptions = options;
        }

        BiConsumer<Channel, SslChannelProvider> childHandlerFor(ContextInternal context, SocketAddress address) {
            // No global traffic shaping: the transport does its own load management.
            return childHandler(context, address, null);
        }

        /** Builds the TLS context once (it loads and checks the PEM files); blocks until done. */
        SslChannelProvider buildSslChannelProvider() {
            SSLHelper helper = createSSLHelper();
            try {
                return helper.buildChannelProvider(tlsOptions.getSslOptions(), vertx.getOrCreateContext())
                        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                throw new IllegalStateException("cannot set up TLS: " + e.getCause().getMessage(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while setting up TLS", e);
            } catch (TimeoutException e) {
                throw new IllegalStateException("TLS set-up did not finish within 30 s", e);
            }
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

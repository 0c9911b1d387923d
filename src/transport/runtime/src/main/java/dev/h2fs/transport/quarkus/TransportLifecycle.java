package dev.h2fs.transport.quarkus;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;

import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Metrics;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.value.registry.ValueRegistry;
import io.quarkus.vertx.http.HttpServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;

import dev.h2fs.transport.HttpProtocolOptions;
import dev.h2fs.transport.RouterHandoff;
import dev.h2fs.transport.RunMode;
import dev.h2fs.transport.TlsOptions;
import dev.h2fs.transport.TransportConfig;
import dev.h2fs.transport.TransportServer;
import dev.h2fs.transport.drain.DrainingHandoff;
import dev.h2fs.transport.guard.GuardLimits;
import dev.h2fs.transport.http2.StreamAdmission;
import dev.h2fs.transport.http2.StreamBudget;
import dev.h2fs.transport.loop.ConnectionLimit;
import dev.h2fs.transport.rest.RestFastPath;
import dev.h2fs.transport.vertx.ConnectionTuning;
import dev.h2fs.transport.vertx.VertxBridge;

/**
 * Starts the transport when Quarkus has started (the router exists by then) and stops it on shutdown.
 * <p>
 * Dev mode: the server (loops and listening socket) is kept in a static field across live reloads as long as the
 * binding configuration ({@link TransportServer.Key}) is unchanged; each restart only re-attaches it to the new
 * application (new Vert.x contexts with the new class loader, new HTTP metrics, new meters). Requests that arrive
 * while Quarkus reloads reach Quarkus's router entry point, whose hot-replacement handler holds them until the
 * reload has finished, exactly as with Quarkus's own listener. This class is loaded by the extension's (base) class
 * loader, which survives restarts.
 * <p>
 * Shutdown follows Quarkus's graceful-shutdown phases ({@link TransportShutdownListener}): pre-shutdown turns readiness
 * DOWN ({@code quarkus.shutdown.delay} then passes with the listener still accepting), shutdown drains, and the
 * shutdown event closes what is left.
 * <p>
 * Thread: the observers and the shutdown phases run on the Quarkus start/stop thread; {@link #server()} from any
 * thread.
 */
@Singleton
public class TransportLifecycle {

    private static final Logger LOG = Logger.getLogger(TransportLifecycle.class);

    // Dev mode only: a static field of a class loaded by the extension's (base) class loader survives restarts.
    private static final RetainedServer DEV_MODE_SERVER = new RetainedServer();

    @Inject
    TransportConfig config;

    @Inject
    Vertx vertx;

    @Inject
    ValueRegistry valueRegistry;

    private volatile TransportServer server;
    private volatile boolean draining;
    private CompletableFuture<Integer> drain;
    private TransportMetrics metrics;
    private RestFastPath fastPath;
    private volatile Router router;

    @SuppressWarnings("removal") // warns about the deprecated key
    void start(@Observes @Priority(Interceptor.Priority.PLATFORM_AFTER) StartupEvent event)
            throws InterruptedException {
        if (!config.enabled()) {
            LOG.info("h2fs transport disabled (h2fs.transport.enabled=false)");
            return;
        }
        TransportConfigCheck.validate(config);
        if (!config.shutdownDelay().isZero()) {
            LOG.warn("h2fs.transport.shutdown-delay is deprecated and will be removed: set quarkus.shutdown.delay"
                    + " (the application must also set quarkus.shutdown.delay-enabled=true at build time)");
        }
        TransportServer.Key key = TransportServer.Key.of(config);
        TransportServer opened = LaunchMode.current() == LaunchMode.DEVELOPMENT ? reuseOrOpen(key) : open(key);
        try {
            ClassLoader tccl = Thread.currentThread().getContextClassLoader();
            opened.limitStreams(config.http2().maxStreamsPerWorker()
                    .orElseGet(() -> StreamBudget.defaultLimit(Runtime.getRuntime().maxMemory(), key.threads())),
                    (int) Math.min(Integer.MAX_VALUE, config.http2().maxConcurrentStreams()));
            opened.limitUploadWindows((int) config.http2().uploadWindowSize().asLongValue(),
                    config.http2().uploadWindowBudget().map(MemorySize::asLongValue).orElseGet(
                            () -> StreamBudget.defaultWindowBudget(Runtime.getRuntime().maxMemory(), key.threads())));
            opened.limitConnections(config.maxConnections().orElseGet(ConnectionLimit::defaultLimit));
            opened.lingerCloses(config.lingeringCloseTime());
            HttpServerOptions options = TlsOptions.apply(config, HttpProtocolOptions.from(config));
            VertxBridge bridge = new VertxBridge(vertx, options,
                    new ConnectionTuning(config.http2().streamScheduling() == TransportConfig.StreamScheduling.UNIFORM,
                            (int) config.writeBufferHighWaterMark().asLongValue()),
                    new StreamAdmission(new DrainingHandoff(new RouterHandoff(config.maxBodySize().asLongValue()))));
            fastPath = RestFastPath.open(config.fastPath(), ConfigProvider.getConfig(), bridge.metricsInstalled(),
                    vertx, options.getTracingPolicy(), router).orElse(null);
            opened.attach(bridge, tccl, GuardLimits.of(config), fastPath);
            metrics = TransportMetrics.bind(Metrics.globalRegistry, opened);
            String scheme = config.runMode() == RunMode.H2 ? "https" : "http";
            publishPort(opened.boundAddress().getPort(), scheme);
            // "Listening on: scheme://host:port" is the phrase Quarkus's own listener logs and
            // @QuarkusIntegrationTest's launcher parses to find the port; Quarkus's own line stays empty now.
            String protocol = config.runMode() == RunMode.H2 ? "h2, TLS by " + TlsOptions.describe(options) : "h2c";
            LOG.infof("h2fs transport Listening on: %s://%s:%d (%s, %s)", scheme, config.host(),
                    opened.boundAddress().getPort(), protocol, opened.describe());
        } catch (RuntimeException e) {
            // Start-up fails loudly (Quarkus reports the exception); release the socket and loops we took.
            if (fastPath != null) {
                fastPath.close();
                fastPath = null;
            }
            if (LaunchMode.current() == LaunchMode.DEVELOPMENT) {
                DEV_MODE_SERVER.close();
            } else {
                opened.close();
            }
            throw e;
        }
        server = opened;
    }

    /**
     * Quarkus's pre-shutdown ({@link TransportShutdownListener}): readiness reports DOWN from now on, while the
     * listener still accepts, for as long as {@code quarkus.shutdown.delay} lasts (Quarkus waits it out after this).
     * The deprecated {@code h2fs.transport.shutdown-delay} is waited here, for configurations that still set it.
     */
    @SuppressWarnings("removal") // the deprecated key keeps working until it is removed
    void beginShutdown() {
        if (draining) {
            return;
        }
        draining = true;
        Duration delay = config.shutdownDelay();
        if (!delay.isZero() && server != null && LaunchMode.current() != LaunchMode.DEVELOPMENT) {
            try {
                Thread.sleep(delay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // stop waiting; the drain follows
            }
        }
    }

    /**
     * Quarkus's shutdown ({@link TransportShutdownListener}), and at the latest the shutdown event: no new connection,
     * every open one closed gracefully. Completes when the last connection has closed or after
     * {@code h2fs.transport.drain-timeout}; the same drain for every caller.
     *
     * @return completes with the connections still open at the end (0 when all closed in time)
     */
    synchronized CompletableFuture<Integer> drain() {
        TransportServer current = server;
        if (current == null || LaunchMode.current() == LaunchMode.DEVELOPMENT) {
            return CompletableFuture.completedFuture(0); // dev mode keeps its server across restarts
        }
        if (drain == null) {
            LOG.infof("h2fs transport draining (up to %s)", config.drainTimeout());
            drain = current.drain(config.drainTimeout());
        }
        return drain;
    }

    /**
     * The application stops. Quarkus's shutdown listeners have run by now (graceful shutdown); Quarkus waits for
     * them only with {@code quarkus.shutdown.timeout} set, so the drain is awaited here too, bounded by its own
     * timeout, before the loops close.
     */
    void stop(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) ShutdownEvent event) {
        TransportServer current = server;
        beginShutdown();
        try {
            int left = drain().get(config.drainTimeout().toMillis() + 1_000, TimeUnit.MILLISECONDS);
            if (left > 0) {
                LOG.warnf("h2fs transport: %d connections still open after the drain timeout; closing them", left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // stop waiting; close() below ends what is left
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("h2fs transport: drain did not complete; closing", e);
        }
        server = null;
        if (metrics != null) {
            metrics.close();
            metrics = null;
        }
        if (current != null && LaunchMode.current() != LaunchMode.DEVELOPMENT) {
            current.close();
        }
        if (fastPath != null) {
            fastPath.close(); // after the loops: the last requests' access-log lines are queued by then
            fastPath = null;
        }
        // Dev mode: keep it for the next start; TransportHotReplacementSetup closes it when dev mode ends.
    }

    /**
     * Quarkus hands its router of the application's routes to observers while it builds it, before the transport
     * starts; the fast path looks there for what Quarkus installs as routes (the access log's writer).
     */
    void router(@Observes Router router) {
        this.router = router;
    }

    /** @return whether shutdown has begun: readiness reports DOWN from then on; any thread */
    public boolean draining() {
        return draining;
    }

    /** @return the running transport, or {@code null} before start, after stop, or when disabled */
    public TransportServer server() {
        return server;
    }

    private TransportServer open(TransportServer.Key key) throws InterruptedException {
        return TransportServer.open(key, vertx, heartbeatPeriod(config.stallTimeout()));
    }

    /** Dev mode has ended (not a reload): closes the server kept across reloads; see TransportHotReplacementSetup. */
    static void closeDevModeServer() {
        DEV_MODE_SERVER.close();
    }

    private TransportServer reuseOrOpen(TransportServer.Key key) throws InterruptedException {
        return DEV_MODE_SERVER.acquire(key, this::open);
    }

    /** Beats often enough that a stall is seen within about a quarter of the timeout, but at most once per second. */
    static Duration heartbeatPeriod(Duration stallTimeout) {
        Duration quarter = stallTimeout.dividedBy(4);
        Duration max = Duration.ofSeconds(1);
        Duration min = Duration.ofMillis(10);
        return quarter.compareTo(max) > 0 ? max : quarter.compareTo(min) < 0 ? min : quarter;
    }

    /**
     * Quarkus's listener is off (see the deployment processor), so we publish our port where Quarkus would have
     * published its own: {@code quarkus.http.port}, and in dev and test mode {@code quarkus.http.test-port} and
     * {@code test.url}, which is where REST Assured and {@code @TestHTTPResource} look.
     */
    private void publishPort(int port, String scheme) {
        boolean tls = scheme.equals("https");
        valueRegistry.register(tls ? HttpServer.HTTPS_PORT : HttpServer.HTTP_PORT, port);
        URI base = URI.create(scheme + "://localhost:" + port);
        valueRegistry.register(HttpServer.LOCAL_BASE_URI, base);
        if (LaunchMode.current().isDevOrTest()) {
            // With TLS the port goes where @TestHTTPResource(tls = true) and REST Assured's secure mode look.
            valueRegistry.register(tls ? HttpServer.HTTPS_TEST_PORT : HttpServer.HTTP_TEST_PORT, port);
            valueRegistry.register(ValueRegistry.RuntimeKey.key(tls ? "test.url.ssl" : "test.url"), base.toString());
        }
    }
}

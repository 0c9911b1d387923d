package dev.h2fs.transport.rest;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.core.Deployment;
import org.jboss.resteasy.reactive.server.handlers.MatrixParamHandler;
import org.jboss.resteasy.reactive.server.handlers.RestInitialHandler;
import org.jboss.resteasy.reactive.server.spi.ServerRestHandler;

import io.micrometer.core.instrument.Metrics;
import io.netty.handler.codec.http.HttpMethod;
import io.quarkus.arc.Arc;
import io.quarkus.arc.InjectableInstance;
import io.quarkus.arc.InstanceHandle;
import io.quarkus.micrometer.runtime.HttpServerMetricsTagsContributor;
import io.quarkus.micrometer.runtime.binder.HttpBinderConfiguration;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.vertx.http.runtime.QuarkusErrorHandler;
import io.quarkus.vertx.http.runtime.VertxHttpConfig;
import io.quarkus.vertx.http.runtime.filters.accesslog.AccessLogReceiver;
import io.smallrye.config.SmallRyeConfig;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.tracing.TracingPolicy;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import dev.h2fs.transport.TransportConfig;

/**
 * The REST fast path of one application start: body-less HTTP/2 and HTTP/1.1 REST requests go from Netty's decoders
 * straight into RESTEasy Reactive's handler chain ({@link FastPathExchange}), below Vert.x's HTTP server, router and Quarkus's
 * root handler. The chain is the one Quarkus REST runs ({@code MatrixParamHandler}, the pre-match handlers, then
 * {@link RestInitialHandler} over the application's {@link Deployment}), so resource matching, filters, exception
 * mappers, content negotiation and {@code @Context} injection are RESTEasy's own.
 * <p>
 * What Quarkus's HTTP layer applies before RESTEasy runs first, over a routing context of the fast path's own
 * ({@link FastPathRoutingContext}), by Quarkus's own code: forwarded headers ({@link ForwardedRequests}), the access
 * log ({@link FastPathAccessLog}), configured response headers ({@link ConfiguredResponseHeaders}), and the route
 * filters that CORS and HTTP security install (authentication, permissions); a request one of them refuses goes to
 * Vert.x's path, which answers it. What else Vert.x Web and Quarkus's HTTP layer would apply to a request the fast
 * path does not do, so it is off, with the reasons logged at start-up, when the application uses any of that
 * ({@link #reasons}).
 * <p>
 * Thread: {@link #register} runs on Quarkus's start-up thread (a recorder), {@link #open} on the thread starting the
 * transport; an open fast path is immutable and used by every worker loop.
 */
public final class RestFastPath {

    private static final Logger LOG = Logger.getLogger(RestFastPath.class);

    /** What the build found: the application's REST deployment and what rules the fast path out. */
    private record Registration(Deployment deployment, String nonApplicationRoot, List<String> buildReasons,
            List<Handler<RoutingContext>> filters) {
    }

    private static volatile Registration registration;

    private final Deployment deployment;
    private final ServerRestHandler[] initialChain;
    private final String nonApplicationRoot;
    private final String prefix;
    private final FastPathMetrics metrics;
    private final RouteFilters filters;
    private final CurrentIdentityAssociation identityAssociation;
    private final FastPathAccessLog accessLog;
    private final boolean recordStartTime;
    private final FastPathTracing tracing;
    private final QuarkusErrorHandler errorHandler;
    private final boolean http1;

    private RestFastPath(Deployment deployment, String nonApplicationRoot, FastPathMetrics metrics,
            RouteFilters filters, CurrentIdentityAssociation identityAssociation, FastPathAccessLog accessLog,
            boolean recordStartTime, FastPathTracing tracing, QuarkusErrorHandler errorHandler, boolean http1) {
        this.http1 = http1;
        this.tracing = tracing;
        this.errorHandler = errorHandler;
        this.deployment = deployment;
        this.filters = filters;
        this.accessLog = accessLog;
        this.recordStartTime = recordStartTime;
        this.identityAssociation = identityAssociation;
        this.nonApplicationRoot = nonApplicationRoot.endsWith("/") ? nonApplicationRoot : nonApplicationRoot + "/";
        this.prefix = withoutTrailingSlash(deployment.getPrefix());
        this.metrics = metrics;
        List<ServerRestHandler> preMatch = deployment.getPreMatchHandlers();
        initialChain = new ServerRestHandler[preMatch.size() + 2];
        initialChain[0] = new MatrixParamHandler();
        for (int i = 0; i < preMatch.size(); i++) {
            initialChain[i + 1] = preMatch.get(i);
        }
        initialChain[initialChain.length - 1] = new RestInitialHandler(deployment);
    }

    /** Called by the extension's recorder at each application start (dev mode: each restart). */
    public static void register(Deployment deployment, String nonApplicationRoot, List<String> buildReasons,
            List<Handler<RoutingContext>> filters) {
        registration = new Registration(deployment, nonApplicationRoot, List.copyOf(buildReasons),
                new ArrayList<>(filters));
    }

    /**
     * @param config the transport's fast-path configuration
     * @param appConfig the application's configuration (the keys that rule the fast path out, Quarkus's HTTP keys)
     * @param recordMetrics whether HTTP server metrics are recorded at all (Vert.x's metrics SPI is installed)
     * @param vertx the Vert.x instance (Quarkus's forwarded-header check and header routes use it, its tracer traces)
     * @param tracingPolicy the HTTP server's tracing policy, which Vert.x's server gives the tracer
     * @param router Quarkus's router of the application's routes (its CDI event), where its access-log handler is;
     *        null if not seen
     * @return the fast path, or empty (logged with the reasons) when it must stay off
     */
    public static Optional<RestFastPath> open(TransportConfig.FastPath config, Config appConfig, boolean recordMetrics,
            Vertx vertx, TracingPolicy tracingPolicy, Router router) {
        if (!config.enabled()) {
            LOG.info("h2fs transport REST fast path off (h2fs.transport.fast-path.enabled=false)");
            return Optional.empty();
        }
        Registration found = registration;
        if (found == null) {
            LOG.info("h2fs transport REST fast path off: the application has no Quarkus REST deployment");
            return Optional.empty();
        }
        List<String> reasons = new ArrayList<>(found.buildReasons());
        reasons.addAll(reasons(name -> appConfig.getOptionalValue(name, String.class), appConfig.getPropertyNames()));
        if (LaunchMode.current() == LaunchMode.DEVELOPMENT) {
            // Live reload checks for edits on each request in Quarkus's router; a request the router never sees
            // would keep being served by the old code.
            reasons.add("dev mode's live reload looks for edits in Quarkus's router");
        }
        if ("/".equals(found.nonApplicationRoot())) {
            reasons.add("quarkus.http.non-application-root-path is the HTTP root, so /q endpoints cannot be told"
                    + " from the application's");
        }
        if (Arc.container() != null && !Arc.container().listAll(HttpServerMetricsTagsContributor.class).isEmpty()) {
            reasons.add("an HttpServerMetricsTagsContributor bean adds tags to http.server.requests");
        }
        VertxHttpConfig http = appConfig.unwrap(SmallRyeConfig.class).getConfigMapping(VertxHttpConfig.class);
        AccessLogReceiver accessLogFile = null;
        if (http.accessLog().enabled() && http.accessLog().logToFile()) {
            accessLogFile = router == null ? null : QuarkusAccessLogReceiver.find(router);
            if (accessLogFile == null) {
                reasons.add("the access log to a file of its own, whose writer in Quarkus's router was not found");
            }
        }
        if (!reasons.isEmpty()) {
            LOG.infof("h2fs transport REST fast path off, because %s; every request takes Vert.x's HTTP path",
                    String.join("; ", reasons));
            return Optional.empty();
        }
        // In the order Quarkus applies them: the forwarded-header wrapper (in front of its router), the access log
        // and the configured headers (its first routes), then its route filters.
        List<Handler<RoutingContext>> chain = new ArrayList<>();
        addIfPresent(chain, ForwardedRequests.of(http.proxy(), vertx));
        FastPathAccessLog accessLog = FastPathAccessLog.open(http.accessLog(), accessLogFile,
                config.accessLogQueue());
        addIfPresent(chain, accessLog);
        addIfPresent(chain, ConfiguredResponseHeaders.of(http.header(), http.filter(),
                appConfig.getOptionalValue("quarkus.http.root-path", String.class).orElse("/"), vertx));
        chain.addAll(found.filters());
        FastPathMetrics metrics = recordMetrics ? openMetrics() : null;
        RouteFilters filters = new RouteFilters(chain);
        FastPathTracing tracing = FastPathTracing.of(vertx, tracingPolicy);
        LOG.infof("h2fs transport REST fast path on: body-less %s REST requests go straight to RESTEasy Reactive"
                + " (h2fs.transport.fast-path.enabled=false turns it off)%s%s%s",
                config.http1() ? "HTTP/2 and HTTP/1.1" : "HTTP/2 (not HTTP/1.1: h2fs.transport.fast-path.http1=false)",
                filters.isEmpty() ? "" : "; what it runs first, as Quarkus does: " + filters.names(),
                tracing == null ? "" : "; traced by Vert.x's tracer (OpenTelemetry)",
                metrics == null ? "; HTTP server metrics are off" : "");
        return Optional.of(new RestFastPath(found.deployment(), found.nonApplicationRoot(), metrics, filters,
                findIdentityAssociation(), accessLog, http.recordRequestStartTime(), tracing,
                // As Quarkus's router's last failure handler (dev mode, with its decorated stacks, never gets here).
                new QuarkusErrorHandler(LaunchMode.current().isDevOrTest(), false,
                        http.unhandledErrorContentTypeDefault()),
                config.http1()));
    }

    private static void addIfPresent(List<Handler<RoutingContext>> chain, Handler<RoutingContext> handler) {
        if (handler != null) {
            chain.add(handler);
        }
    }

    /** Ends what the fast path runs beside the loops (the access log's writing thread, after what it holds). */
    public void close() {
        if (accessLog != null) {
            accessLog.close();
        }
    }

    /** @return access-log lines of fast-path requests not written (a full hand-off, a refusing log); 0 without it */
    public long accessLogDropped() {
        return accessLog == null ? 0 : accessLog.dropped();
    }

    /** @return the CDI bean through which Quarkus Security reads the caller's identity; null without security */
    private static CurrentIdentityAssociation findIdentityAssociation() {
        if (Arc.container() == null) {
            return null;
        }
        InjectableInstance<CurrentIdentityAssociation> association = Arc.container()
                .select(CurrentIdentityAssociation.class);
        return association.isResolvable() ? association.get() : null;
    }

    private static FastPathMetrics openMetrics() {
        if (Arc.container() == null) {
            return null;
        }
        try (InstanceHandle<HttpBinderConfiguration> handle = Arc.container().instance(HttpBinderConfiguration.class)) {
            HttpBinderConfiguration config = handle.isAvailable() ? handle.get() : null;
            if (config == null || !config.isServerEnabled()) {
                return null;
            }
            return new FastPathMetrics(Metrics.globalRegistry, config);
        }
    }

    /**
     * What in the configuration the fast path would bypass: each is applied by Vert.x Web or Quarkus's HTTP layer
     * (its root handler, its route filters) before RESTEasy sees a request.
     *
     * @param value a configuration value by name
     * @param names every configured name
     * @return one sentence per reason; empty when the fast path may run
     */
    static List<String> reasons(Function<String, Optional<String>> value, Iterable<String> names) {
        List<String> reasons = new ArrayList<>();
        checkTrue(value, "quarkus.http.enable-compression", "response compression", reasons);
        checkTrue(value, "quarkus.http.enable-decompression", "request decompression", reasons);
        // A request the fast path hands back to Vert.x's path is traced there; the span begun here stays unended,
        // which OpenTelemetry's HTTP server metrics would count as a request active for ever.
        checkTrue(value, "quarkus.otel.metrics.enabled", "OpenTelemetry metrics", reasons);
        // End-user attributes are read from Quarkus's current Vert.x request, which the fast path does not have.
        checkTrue(value, "quarkus.otel.traces.eusp.enabled", "OpenTelemetry end-user span attributes", reasons);
        for (String name : names) {
            String reason = reasonFor(name);
            if (reason != null && !reasons.contains(reason)) {
                reasons.add(reason);
            }
        }
        return reasons;
    }

    private static String reasonFor(String name) {
        if (name.startsWith("quarkus.http.same-site-cookie.")) {
            return "quarkus.http.same-site-cookie.* rewrites cookies";
        }
        return null;
    }

    private static boolean isTrue(String value) {
        return value.trim().equalsIgnoreCase("true");
    }

    private static void checkTrue(Function<String, Optional<String>> value, String name, String what,
            List<String> reasons) {
        if (value.apply(name).map(RestFastPath::isTrue).orElse(false)) {
            reasons.add(what + " (" + name + "=true)");
        }
    }

    /** @return the fast path on one worker, whose Vert.x event-loop context is {@code workerContext} */
    public FastPathWorker forWorker(Context workerContext) {
        return new FastPathWorker(this, workerContext);
    }

    Deployment deployment() {
        return deployment;
    }

    /** @return whether HTTP/1.1 requests take the fast path too */
    boolean servesHttp1() {
        return http1;
    }

    ServerRestHandler[] initialChain() {
        return initialChain;
    }

    FastPathMetrics metrics() {
        return metrics;
    }

    RouteFilters filters() {
        return filters;
    }

    /** @return Quarkus's error handler, which answers what RESTEasy leaves unanswered (an unmapped exception) */
    QuarkusErrorHandler errorHandler() {
        return errorHandler;
    }

    /** @return the tracing of requests, or null when nothing traces */
    FastPathTracing tracing() {
        return tracing;
    }

    /** @return whether {@code quarkus.http.record-request-start-time} asks for the start time in the routing context */
    boolean recordsStartTime() {
        return recordStartTime;
    }

    /** @return Quarkus Security's identity association (a client proxy of the request-scoped bean), or null */
    CurrentIdentityAssociation identityAssociation() {
        return identityAssociation;
    }

    private static String withoutTrailingSlash(String prefix) {
        if (prefix == null) {
            return "";
        }
        return prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
    }

    /** @return GET, HEAD or DELETE (as RESTEasy names them), null for any other method */
    static String method(CharSequence method) {
        if (method == null) {
            return null;
        }
        if (HttpMethod.GET.asciiName().contentEquals(method)) {
            return "GET";
        }
        if (HttpMethod.HEAD.asciiName().contentEquals(method)) {
            return "HEAD";
        }
        if (HttpMethod.DELETE.asciiName().contentEquals(method)) {
            return "DELETE";
        }
        return null;
    }

    /**
     * Paths the fast path takes: absolute, outside the non-application root ({@code /q/}: health, metrics, dev UI
     * keep Vert.x's routes), and unchanged by the HTTP layer's normalisation (no percent-encoding, no dot segment,
     * no empty segment, no backslash), so that RESTEasy sees what it would see behind Vert.x; the rest, which real
     * clients rarely send, goes to Vert.x.
     */
    boolean takesPath(String path) {
        return takesPath(path, nonApplicationRoot, prefix);
    }

    /**
     * @param nonApplicationRoot absolute, ending in {@code /}
     * @param prefix the REST deployment's path prefix ({@code quarkus.http.root-path}, {@code quarkus.rest.path}),
     *        without a trailing {@code /}; empty for none. RESTEasy matches a path outside it as if it were inside
     *        (Vert.x's router never passes it one), so such a path stays with Vert.x.
     */
    static boolean takesPath(String path, String nonApplicationRoot, String prefix) {
        if (path.isEmpty() || path.charAt(0) != '/') {
            return false;
        }
        if (!prefix.isEmpty() && !(path.startsWith(prefix)
                && (path.length() == prefix.length() || path.charAt(prefix.length()) == '/'))) {
            return false;
        }
        if (path.startsWith(nonApplicationRoot)
                || path.length() == nonApplicationRoot.length() - 1 && nonApplicationRoot.startsWith(path)) {
            return false;
        }
        return path.indexOf('%') < 0 && path.indexOf("//") < 0 && path.indexOf("/.") < 0 && path.indexOf('\\') < 0;
    }
}

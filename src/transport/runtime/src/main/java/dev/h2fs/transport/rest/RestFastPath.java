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
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * The REST fast path of one application start: body-less HTTP/2 REST requests go from Netty's HTTP/2 decoder straight
 * into RESTEasy Reactive's handler chain ({@link FastPathExchange}), below Vert.x's HTTP server, router and Quarkus's
 * root handler. The chain is the one Quarkus REST runs ({@code MatrixParamHandler}, the pre-match handlers, then
 * {@link RestInitialHandler} over the application's {@link Deployment}), so resource matching, filters, exception
 * mappers, content negotiation and {@code @Context} injection are RESTEasy's own.
 * <p>
 * Quarkus's route filters that CORS and HTTP security install (authentication, permissions) run first, over a routing
 * context of the fast path's own ({@link FastPathRoutingContext}); a request one of them refuses goes to Vert.x's
 * path, which answers it. What else Vert.x Web and Quarkus's HTTP layer would apply to a request the fast path does
 * not do, so it is off, with the reasons logged at start-up, when the application uses any of that ({@link #reasons}).
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

    private RestFastPath(Deployment deployment, String nonApplicationRoot, FastPathMetrics metrics,
            RouteFilters filters, CurrentIdentityAssociation identityAssociation) {
        this.deployment = deployment;
        this.filters = filters;
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
     * @param enabled {@code h2fs.transport.fast-path.enabled}
     * @param config the application's configuration (the keys that rule the fast path out)
     * @param recordMetrics whether HTTP server metrics are recorded at all (Vert.x's metrics SPI is installed)
     * @return the fast path, or empty (logged with the reasons) when it must stay off
     */
    public static Optional<RestFastPath> open(boolean enabled, Config config, boolean recordMetrics) {
        if (!enabled) {
            LOG.info("h2fs transport REST fast path off (h2fs.transport.fast-path.enabled=false)");
            return Optional.empty();
        }
        Registration found = registration;
        if (found == null) {
            LOG.info("h2fs transport REST fast path off: the application has no Quarkus REST deployment");
            return Optional.empty();
        }
        List<String> reasons = new ArrayList<>(found.buildReasons());
        reasons.addAll(reasons(name -> config.getOptionalValue(name, String.class), config.getPropertyNames()));
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
        if (!reasons.isEmpty()) {
            LOG.infof("h2fs transport REST fast path off, because %s; every request takes Vert.x's HTTP path",
                    String.join("; ", reasons));
            return Optional.empty();
        }
        FastPathMetrics metrics = recordMetrics ? openMetrics() : null;
        RouteFilters filters = new RouteFilters(found.filters());
        LOG.infof("h2fs transport REST fast path on: body-less HTTP/2 REST requests go straight to RESTEasy Reactive"
                + " (h2fs.transport.fast-path.enabled=false turns it off)%s%s",
                filters.isEmpty() ? "" : "; Quarkus route filters it runs first: " + filters.names(),
                metrics == null ? "; HTTP server metrics are off" : "");
        return Optional.of(new RestFastPath(found.deployment(), found.nonApplicationRoot(), metrics, filters,
                findIdentityAssociation()));
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
        checkTrue(value, "quarkus.http.access-log.enabled", "the access log", reasons);
        checkTrue(value, "quarkus.http.proxy.proxy-address-forwarding", "forwarded/proxy headers", reasons);
        checkTrue(value, "quarkus.http.enable-compression", "response compression", reasons);
        checkTrue(value, "quarkus.http.enable-decompression", "request decompression", reasons);
        checkTrue(value, "quarkus.http.record-request-start-time", "request start times", reasons);
        for (String name : names) {
            String reason = reasonFor(name);
            if (reason != null && !reasons.contains(reason)) {
                reasons.add(reason);
            }
        }
        return reasons;
    }

    private static String reasonFor(String name) {
        if (name.startsWith("quarkus.http.header.")) {
            return "quarkus.http.header.* adds response headers";
        }
        if (name.startsWith("quarkus.http.filter.")) {
            return "quarkus.http.filter.* adds response headers";
        }
        if (name.startsWith("quarkus.http.same-site-cookie.")) {
            return "quarkus.http.same-site-cookie.* rewrites cookies";
        }
        return null;
    }

    private static void checkTrue(Function<String, Optional<String>> value, String name, String what,
            List<String> reasons) {
        if (value.apply(name).map(v -> v.trim().equalsIgnoreCase("true")).orElse(false)) {
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

    ServerRestHandler[] initialChain() {
        return initialChain;
    }

    FastPathMetrics metrics() {
        return metrics;
    }

    RouteFilters filters() {
        return filters;
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

package dev.h2fs.transport.rest;

import java.util.Map;

import io.quarkus.vertx.http.runtime.FilterConfig;
import io.quarkus.vertx.http.runtime.HeaderConfig;
import io.quarkus.vertx.http.runtime.options.HttpServerCommonHandlers;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Response headers from the configuration ({@code quarkus.http.header.*} and {@code quarkus.http.filter.*}) on the
 * fast path. Quarkus adds them with routes of its router, matched by path (and regular expression) and method; here
 * the same routes, made by Quarkus's own code ({@code HttpServerCommonHandlers.applyFilters} and {@code applyHeaders})
 * in a router of their own, mounted at the HTTP root path as Quarkus mounts its own, are run over the fast path's
 * request, so which request gets which header, set or added, is decided by the same code. A last route passes the
 * request on to the rest of the fast path's filters.
 * <p>
 * Quarkus runs these routes before its route filters (CORS, authentication) unless a filter's {@code order} puts it
 * later; here they all run first. A header's value is in the response whether the fast path or RESTEasy answers,
 * and RESTEasy's own headers of the same name replace it, as on Vert.x's path.
 * <p>
 * Thread-safe: the router is immutable once built; each request gets its own routing context.
 */
final class ConfiguredResponseHeaders implements Handler<RoutingContext> {

    private final Router routes;

    private ConfiguredResponseHeaders(Router routes) {
        this.routes = routes;
    }

    /**
     * @param rootPath {@code quarkus.http.root-path}, where Quarkus mounts the router the headers are routes of
     * @return the handler, or null when the configuration has no such header
     */
    static ConfiguredResponseHeaders of(Map<String, HeaderConfig> headers, Map<String, FilterConfig> filters,
            String rootPath, Vertx vertx) {
        if (headers.isEmpty() && filters.isEmpty()) {
            return null;
        }
        Router routes = Router.router(vertx);
        HttpServerCommonHandlers.applyFilters(filters, routes);
        HttpServerCommonHandlers.applyHeaders(headers, routes);
        routes.route().order(Integer.MAX_VALUE).handler(ConfiguredResponseHeaders::passOn);
        if (rootPath.equals("/")) {
            return new ConfiguredResponseHeaders(routes);
        }
        Router root = Router.router(vertx);
        // As Quarkus mounts its router (Router.mountSubRouter), at the root path with a trailing slash.
        root.route((rootPath.endsWith("/") ? rootPath : rootPath + "/") + "*").subRouter(routes);
        return new ConfiguredResponseHeaders(root);
    }

    @Override
    public void handle(RoutingContext routing) {
        routes.handle(routing.request());
    }

    /** Every header route has run (Vert.x's routing context); the response leads back to the fast path's. */
    private static void passOn(RoutingContext headersAdded) {
        ((FastPathHttpResponse) headersAdded.response()).routing().next();
    }

    @Override
    public String toString() {
        return "quarkus.http.header/filter";
    }
}

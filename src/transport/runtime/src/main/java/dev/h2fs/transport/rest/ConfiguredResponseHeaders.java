package dev.h2fs.transport.rest;

import java.util.Map;

import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
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
 * request on to the rest of the fast path's filters. Headers that Quarkus adds to every response (the default path
 * {@code /*}, any method, no {@code filter} rule) are set without routing: the same result for every request the
 * fast path takes, without a router's work per request.
 * <p>
 * Quarkus runs these routes before its route filters (CORS, authentication) unless a filter's {@code order} puts it
 * later; here they all run first. A header's value is in the response whether the fast path or RESTEasy answers,
 * and RESTEasy's own headers of the same name replace it, as on Vert.x's path.
 * <p>
 * Thread-safe: the router is immutable once built; each request gets its own routing context.
 */
final class ConfiguredResponseHeaders implements Handler<RoutingContext> {

    /** Quarkus's default {@code path} of a header: every path. */
    private static final String EVERY_PATH = "/*";

    private final Router routes;
    private final AsciiString[] everywhereNames;
    private final AsciiString[] everywhereValues;

    private ConfiguredResponseHeaders(Router routes) {
        this.routes = routes;
        this.everywhereNames = null;
        this.everywhereValues = null;
    }

    private ConfiguredResponseHeaders(Map<String, HeaderConfig> everywhere) {
        this.routes = null;
        this.everywhereNames = new AsciiString[everywhere.size()];
        this.everywhereValues = new AsciiString[everywhere.size()];
        int i = 0;
        for (Map.Entry<String, HeaderConfig> header : everywhere.entrySet()) {
            everywhereNames[i] = AsciiString.of(header.getKey()).toLowerCase(); // HTTP/2: lower case on the wire
            everywhereValues[i] = AsciiString.of(header.getValue().value());
            i++;
        }
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
        if (filters.isEmpty() && headers.values().stream()
                .allMatch(header -> header.path().equals(EVERY_PATH) && header.methods().isEmpty())) {
            // The usual case, headers on every response: Quarkus's route for "/*" with no method matches every
            // request the fast path takes (an absolute path), and sets the header. So the same headers are set
            // here without routing each request.
            return new ConfiguredResponseHeaders(headers);
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
        if (routes != null) {
            routes.handle(routing.request());
            return;
        }
        Http2Headers response = ((FastPathRoutingContext) routing).exchange().responseHeaders();
        for (int i = 0; i < everywhereNames.length; i++) {
            response.set(everywhereNames[i], everywhereValues[i]);
        }
        routing.next();
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

package dev.h2fs.transport.rest;

import io.quarkus.vertx.http.runtime.ProxyConfig;
import io.quarkus.vertx.http.runtime.options.HttpServerCommonHandlers;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * Forwarded headers ({@code quarkus.http.proxy.*}) on the fast path, by Quarkus's own handler: the one Quarkus puts in
 * front of its router ({@code HttpServerCommonHandlers.applyProxy}) wraps the fast path's request in its
 * {@code ForwardedServerRequestWrapper} and passes it on here. From then on the remote address, scheme, host and URI
 * that the filters, RESTEasy ({@code UriInfo}) and the access log see are that wrapper's, computed as on Vert.x's
 * path: the same precedence of {@code Forwarded} and {@code X-Forwarded-*}, the same trusted-proxy check (a proxy
 * given by host name is looked up asynchronously, and the request continues when the answer comes, as there), the
 * same rewriting of the {@code Host} header.
 * <p>
 * A request the wrapper refuses (strict forwarded control, when {@code Forwarded} and {@code X-Forwarded-*}
 * contradict each other) goes back to Vert.x's path, with its headers as they arrived, and is refused there as
 * always (400).
 * <p>
 * Thread-safe: Quarkus's handler keeps no per-request state; each request is passed on on the thread it runs on.
 */
final class ForwardedRequests implements Handler<RoutingContext> {

    private final Handler<HttpServerRequest> proxy;

    private ForwardedRequests(ProxyConfig config, Vertx vertx) {
        proxy = HttpServerCommonHandlers.applyProxy(config, ForwardedRequests::passOn, () -> vertx);
    }

    /** @return the handler, or null when {@code quarkus.http.proxy.proxy-address-forwarding} is off */
    static ForwardedRequests of(ProxyConfig config, Vertx vertx) {
        return config.proxyAddressForwarding() ? new ForwardedRequests(config, vertx) : null;
    }

    @Override
    public void handle(RoutingContext routing) {
        ((FastPathRoutingContext) routing).exchange().request().keepReceivedHeaders(); // which the wrapper rewrites
        proxy.handle(routing.request());
    }

    /** Quarkus's handler has wrapped the request; the response is still the fast path's, and leads back to it. */
    private static void passOn(HttpServerRequest forwarded) {
        FastPathRoutingContext routing = ((FastPathHttpResponse) forwarded.response()).routing();
        // The wrapper works its headers out on first use, and then rewrites the request's Host header; Vert.x's
        // router uses it at once (the authority check), so RESTEasy sees the rewritten header there: so here.
        if (forwarded.authority() == null) {
            // The wrapper refused the headers (strict forwarded control: it set 400 and gave no authority), which
            // Vert.x's router answers for itself: so Vert.x's path answers.
            routing.exchange().handBack();
            return;
        }
        routing.forwarded(forwarded);
        routing.next();
    }

    @Override
    public String toString() {
        return "forwarded headers";
    }
}

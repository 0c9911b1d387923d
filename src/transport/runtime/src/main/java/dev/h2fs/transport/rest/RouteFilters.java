package dev.h2fs.transport.rest;

import java.util.ArrayList;
import java.util.List;

import io.quarkus.vertx.http.runtime.security.HttpSecurityRecorder.DefaultAuthFailureHandler;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * What the fast path runs before RESTEasy, in the order Quarkus's HTTP layer runs it: forwarded headers, the access
 * log and configured response headers (handlers of this package over Quarkus's own code), then the Quarkus route
 * filters, highest priority first, as Vert.x's router runs them: CORS, HTTP authentication, HTTP permissions (which
 * the build picked by priority: {@code TransportProcessor.FAST_PATH_FILTER_PRIORITIES}).
 * <p>
 * Thread-safe: immutable; the filters themselves are Quarkus's, shared by every request as under the router.
 */
final class RouteFilters {

    private final Handler<RoutingContext>[] filters;

    @SuppressWarnings("unchecked")
    RouteFilters(List<Handler<RoutingContext>> filters) {
        List<Handler<RoutingContext>> present = new ArrayList<>(filters.size());
        for (Handler<RoutingContext> filter : filters) {
            if (filter != null) { // a filter recorded but off at run time (CORS when disabled)
                present.add(filter);
            }
        }
        this.filters = present.toArray(new Handler[0]);
    }

    boolean isEmpty() {
        return filters.length == 0;
    }

    Handler<RoutingContext>[] handlers() {
        return filters;
    }

    /** @return what each filter is, for the start-up line (Quarkus's are anonymous classes of its recorders) */
    List<String> names() {
        List<String> names = new ArrayList<>(filters.length);
        for (Handler<RoutingContext> filter : filters) {
            names.add(filter.getClass().getPackageName().equals(RouteFilters.class.getPackageName())
                    ? filter.toString() // the fast path's own handlers of Quarkus's HTTP features say what they are
                    : describe(filter.getClass()));
        }
        return names;
    }

    static String describe(Class<?> filter) {
        String name = filter.getName();
        if (name.endsWith(".CORSFilter")) {
            return "CORS";
        }
        if (name.endsWith("HttpSecurityRecorder$AuthenticationHandler")) {
            return "HTTP authentication";
        }
        if (name.startsWith("io.quarkus.vertx.http.runtime.security.HttpSecurityRecorder$")) {
            return "HTTP permissions";
        }
        return name;
    }

    /**
     * What Quarkus's router leaves in the routing context when RESTEasy starts: no authentication-failure handler.
     * Quarkus REST's filter swaps HTTP security's for one of its own, and its route handler removes that one, so that
     * an authentication failure reaches RESTEasy's exception mappers only (with lazy authentication, the identity is
     * resolved inside RESTEasy). The fast path does not run that filter (it would match the path again for the
     * metrics' URI template, which the fast path takes from RESTEasy) and removes the handler here.
     */
    static void beforeRest(RoutingContext routing) {
        if (routing.get(QuarkusHttpUser.AUTH_FAILURE_HANDLER) instanceof DefaultAuthFailureHandler) {
            routing.remove(QuarkusHttpUser.AUTH_FAILURE_HANDLER);
        }
    }
}

package dev.h2fs.transport.rest;

import java.util.ArrayList;
import java.util.List;

import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * The Quarkus route filters the fast path runs before RESTEasy, highest priority first, as Vert.x's router runs them:
 * CORS, HTTP authentication, Quarkus REST's swap of the authentication-failure handler, HTTP permissions (which the
 * build picked by priority: {@code TransportProcessor.FAST_PATH_FILTER_PRIORITIES}).
 * <p>
 * Thread-safe: immutable; the filters themselves are Quarkus's, shared by every request as under the router.
 */
final class RouteFilters {

    /**
     * Quarkus REST's lazy-authentication failure handler, which fails the routing context; Quarkus REST removes it
     * when RESTEasy starts, so that an authentication failure reaches RESTEasy's exception mappers only
     * ({@code ResteasyReactiveRecorder.handler}'s customizer). A private class of Quarkus REST, known by name.
     */
    static final String REST_FAILING_AUTH_FAILURE_HANDLER = "io.quarkus.resteasy.reactive.server.runtime."
            + "ResteasyReactiveRecorder$FailingDefaultAuthFailureHandler";

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
            names.add(describe(filter.getClass()));
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
        if (name.startsWith("io.quarkus.resteasy.reactive.server.runtime.ResteasyReactiveRecorder$")) {
            return "Quarkus REST's authentication-failure handling";
        }
        return name;
    }

    /** What Quarkus REST's route handler does to the routing context before RESTEasy starts. */
    static void beforeRest(RoutingContext routing) {
        Object failureHandler = routing.get(QuarkusHttpUser.AUTH_FAILURE_HANDLER);
        if (failureHandler != null && failureHandler.getClass().getName().equals(REST_FAILING_AUTH_FAILURE_HANDLER)) {
            routing.remove(QuarkusHttpUser.AUTH_FAILURE_HANDLER);
        }
    }
}

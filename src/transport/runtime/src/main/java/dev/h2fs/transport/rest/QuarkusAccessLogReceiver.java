package dev.h2fs.transport.rest;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.List;

import org.jboss.logging.Logger;

import io.quarkus.vertx.http.runtime.filters.accesslog.AccessLogHandler;
import io.quarkus.vertx.http.runtime.filters.accesslog.AccessLogReceiver;
import io.vertx.core.Handler;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The receiver Quarkus's own access-log handler writes to, found among its router's routes. An access log written to a
 * file of its own ({@code quarkus.http.access-log.log-to-file}) is one writer per file (it buffers, and rotates the
 * file at midnight): the fast path's lines must go to that writer, not to a second one. Quarkus keeps it only in its
 * handler, so it is read from there by reflection: the route's handlers ({@code RouteImpl.state()},
 * {@code RouteState.getContextHandlers()}) and the handler's {@code accessLogReceiver} field, all registered for
 * reflection in a native executable ({@code TransportProcessor.ACCESS_LOG_REFLECTION}).
 * <p>
 * If a Quarkus or Vert.x upgrade moves any of it, nothing is found and the fast path stays off, saying why: never a
 * second writer, never a lost line.
 * <p>
 * Thread: the thread opening the fast path, once per start.
 */
final class QuarkusAccessLogReceiver {

    private static final Logger LOG = Logger.getLogger(QuarkusAccessLogReceiver.class);

    static final String ROUTE_IMPL = "io.vertx.ext.web.impl.RouteImpl";
    static final String ROUTE_STATE = "io.vertx.ext.web.impl.RouteState";

    private QuarkusAccessLogReceiver() {
    }

    /** @return the receiver of the access-log handler on one of {@code router}'s routes, or null if none is found */
    static AccessLogReceiver find(Router router) {
        try {
            Method state = Class.forName(ROUTE_IMPL).getDeclaredMethod("state");
            state.setAccessible(true);
            Method handlers = Class.forName(ROUTE_STATE).getDeclaredMethod("getContextHandlers");
            handlers.setAccessible(true);
            Field receiver = AccessLogHandler.class.getDeclaredField("accessLogReceiver");
            receiver.setAccessible(true);
            for (Route route : router.getRoutes()) {
                if (!state.getDeclaringClass().isInstance(route)) {
                    continue;
                }
                @SuppressWarnings("unchecked")
                List<Handler<RoutingContext>> routeHandlers = (List<Handler<RoutingContext>>) handlers
                        .invoke(state.invoke(route));
                for (Handler<RoutingContext> handler : routeHandlers) {
                    if (handler instanceof AccessLogHandler) {
                        return (AccessLogReceiver) receiver.get(handler);
                    }
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debugf(e, "Quarkus's access-log receiver not found");
        }
        return null;
    }
}

package dev.h2fs.transport.deployment;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.jboss.jandex.AnnotationInstance;
import org.jboss.jandex.AnnotationTarget;
import org.jboss.jandex.DotName;
import org.jboss.jandex.FieldInfo;
import org.jboss.jandex.IndexView;
import org.jboss.jandex.MethodInfo;
import org.jboss.jandex.Type;

/**
 * Finds REST code the fast path would run that asks for Vert.x's request objects ({@code RoutingContext},
 * {@code HttpServerRequest}, {@code HttpServerResponse}), which a fast-path request does not have: {@code GET},
 * {@code HEAD} and {@code DELETE} resource methods and request/response filter methods taking one as a parameter, and
 * {@code @Context} fields of those types. Exception mappers are not counted: a global one (such as an upload's) is
 * reached only by the exceptions it maps.
 * <p>
 * Thread: a build thread; stateless.
 */
final class VertxTypeUsers {

    private static final Set<DotName> VERTX_TYPES = Set.of(DotName.createSimple("io.vertx.ext.web.RoutingContext"),
            DotName.createSimple("io.vertx.core.http.HttpServerRequest"),
            DotName.createSimple("io.vertx.core.http.HttpServerResponse"));

    private static final List<DotName> FAST_PATH_METHODS = List.of(DotName.createSimple("jakarta.ws.rs.GET"),
            DotName.createSimple("jakarta.ws.rs.HEAD"), DotName.createSimple("jakarta.ws.rs.DELETE"),
            DotName.createSimple("org.jboss.resteasy.reactive.server.ServerRequestFilter"),
            DotName.createSimple("org.jboss.resteasy.reactive.server.ServerResponseFilter"));

    private static final DotName CONTEXT = DotName.createSimple("jakarta.ws.rs.core.Context");

    private VertxTypeUsers() {
    }

    /** @return {@code Class#member} of each user found, in index order */
    static List<String> find(IndexView index) {
        List<String> users = new ArrayList<>();
        for (DotName annotation : FAST_PATH_METHODS) {
            for (AnnotationInstance instance : index.getAnnotations(annotation)) {
                if (instance.target().kind() != AnnotationTarget.Kind.METHOD) {
                    continue;
                }
                MethodInfo method = instance.target().asMethod();
                for (Type parameter : method.parameterTypes()) {
                    if (VERTX_TYPES.contains(parameter.name())) {
                        users.add(method.declaringClass().name() + "#" + method.name());
                        break;
                    }
                }
            }
        }
        for (AnnotationInstance instance : index.getAnnotations(CONTEXT)) {
            if (instance.target().kind() == AnnotationTarget.Kind.FIELD) {
                FieldInfo field = instance.target().asField();
                if (VERTX_TYPES.contains(field.type().name())) {
                    users.add(field.declaringClass().name() + "#" + field.name());
                }
            }
        }
        return users;
    }
}

package dev.h2fs.files.auth;

import java.security.Permission;
import java.security.Principal;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import io.quarkus.security.credential.Credential;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/**
 * A cached identity as one request sees it: everything the verified token gave, plus the request's routing context as
 * the attribute SmallRye JWT puts on the identities it builds ({@code RoutingContext}'s class name). A view, not a
 * copy: building a fresh identity per request (roles, credentials, attributes copied) cost 3 % of a worker's CPU on a
 * secured benchmark, and a cache hit is supposed to cost next to nothing.
 * <p>
 * Thread-safe: immutable.
 */
final class RequestIdentity implements SecurityIdentity {

    private static final String ROUTING_CONTEXT = RoutingContext.class.getName();

    private final SecurityIdentity verified;
    private final RoutingContext routing;

    RequestIdentity(SecurityIdentity verified, RoutingContext routing) {
        this.verified = verified;
        this.routing = routing;
    }

    @Override
    public Principal getPrincipal() {
        return verified.getPrincipal();
    }

    @Override
    public boolean isAnonymous() {
        return verified.isAnonymous();
    }

    @Override
    public Set<String> getRoles() {
        return verified.getRoles();
    }

    @Override
    public boolean hasRole(String role) {
        return verified.hasRole(role);
    }

    @Override
    public Set<Permission> getPermissions() {
        return verified.getPermissions();
    }

    @Override
    public <T extends Credential> T getCredential(Class<T> type) {
        return verified.getCredential(type);
    }

    @Override
    public Set<Credential> getCredentials() {
        return verified.getCredentials();
    }

    @SuppressWarnings("unchecked")
    @Override
    public <T> T getAttribute(String name) {
        return ROUTING_CONTEXT.equals(name) ? (T) routing : verified.getAttribute(name);
    }

    @Override
    public Map<String, Object> getAttributes() {
        Map<String, Object> attributes = new HashMap<>(verified.getAttributes());
        attributes.put(ROUTING_CONTEXT, routing);
        return Map.copyOf(attributes);
    }

    @Override
    public Uni<Boolean> checkPermission(Permission permission) {
        return verified.checkPermission(permission);
    }
}

package dev.h2fs.files.auth;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.vertx.http.security.HttpSecurity;

/**
 * Puts reads of the file API behind {@code h2fs.files.auth.read-role} when it is set, as Quarkus HTTP permissions
 * (what {@code quarkus.http.auth.permission.*} configures, set up here from {@link AuthConfig}) applied to the REST
 * endpoints: {@code GET} and {@code HEAD} of {@code /files} and {@code /files/*} need the role. Writes are not decided
 * here but by {@code @RolesAllowed} on the resource methods (see {@link AnonymousWriters}).
 * <p>
 * Unset (the default), nothing is registered, so that public reads pay nothing for security: a JAX-RS permission on a
 * path makes Quarkus REST check every request (the identity, the path), which cost a public GET 15 to 30 % more CPU.
 * <p>
 * Applied after a request is matched to a method, so no spelling of a path routes around it; a refusal is an
 * exception that {@link AuthFailureMapper} answers, the same on both of the transport's paths.
 * <p>
 * Thread: Quarkus's start-up thread (the event is fired once, before the first request).
 */
@ApplicationScoped
public class FileAccess {

    private static final String[] FILE_PATHS = { "/files", "/files/*" };

    void configure(@Observes HttpSecurity http, AuthConfig config) {
        if (config.readRole().isEmpty()) {
            return;
        }
        http.path(FILE_PATHS).methods("GET", "HEAD").applyToJaxRs().roles(config.readRole().get());
        // Once a path has method-specific permissions, Quarkus denies the methods none lists: the others are let
        // through here (writes are checked by @RolesAllowed; PUT, PATCH, ... get REST's 405 rather than a 401).
        http.path(FILE_PATHS).applyToJaxRs().permit();
    }
}

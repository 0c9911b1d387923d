package dev.h2fs.files.auth;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.vertx.http.security.HttpSecurity;

/**
 * Who may use the file API, as Quarkus HTTP permissions (what {@code quarkus.http.auth.permission.*} configures, set
 * up here from {@link AuthConfig}): {@code POST} and {@code DELETE} of {@code /files} and {@code /files/*} need the
 * write role unless anonymous writes are on; {@code GET} and {@code HEAD} need the read role when one is set, and are
 * permitted to anyone otherwise.
 * <p>
 * The permissions apply to Quarkus REST's endpoints (after a request is matched to a method, so no spelling of a path
 * routes around them), and a refusal is an exception that {@link AuthFailureMapper} answers: {@code 401} for an
 * anonymous caller or a token that fails verification, {@code 403} for a valid token without the role. The same on
 * both of the transport's paths (Vert.x's and the REST fast path).
 * <p>
 * Thread: Quarkus's start-up thread (the event is fired once, before the first request).
 */
@ApplicationScoped
public class FileAccess {

    private static final String[] FILE_PATHS = { "/files", "/files/*" };

    void configure(@Observes HttpSecurity http, AuthConfig config) {
        HttpSecurity.HttpPermission writes = http.path(FILE_PATHS).methods("POST", "DELETE").applyToJaxRs();
        if (config.anonymousWrites()) {
            writes.permit();
        } else {
            writes.roles(config.writeRole());
        }
        HttpSecurity.HttpPermission reads = http.path(FILE_PATHS).methods("GET", "HEAD").applyToJaxRs();
        if (config.readRole().isPresent()) {
            reads.roles(config.readRole().get());
        } else {
            reads.permit();
        }
        // Once a path has method-specific permissions, Quarkus denies the methods none lists: the others (PUT,
        // PATCH, ...) are let through, so that they get REST's 405 rather than a 401.
        http.path(FILE_PATHS).applyToJaxRs().permit();
    }
}

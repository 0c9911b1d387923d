package dev.h2fs.files.auth;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;

/**
 * With {@code h2fs.files.auth.anonymous-writes=true}, every caller, anonymous included, holds the write role, so the
 * {@code @RolesAllowed} on upload and delete lets everyone through; otherwise identities pass unchanged. Quarkus
 * Security augments each identity it resolves, which with lazy authentication happens only for requests a check
 * needs the caller for (writes, and reads behind a read role).
 * <p>
 * Thread-safe: immutable after construction.
 */
@ApplicationScoped
public class AnonymousWriters implements SecurityIdentityAugmentor {

    private final boolean anonymousWrites;
    private final String writeRole;

    AnonymousWriters(AuthConfig config) {
        this.anonymousWrites = config.anonymousWrites();
        this.writeRole = config.writeRole();
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (!anonymousWrites || identity.hasRole(writeRole)) {
            return Uni.createFrom().item(identity);
        }
        return Uni.createFrom().item(QuarkusSecurityIdentity.builder(identity).addRole(writeRole).build());
    }
}

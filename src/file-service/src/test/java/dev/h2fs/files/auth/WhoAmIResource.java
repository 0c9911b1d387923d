package dev.h2fs.files.auth;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;

/**
 * Test resource: what the injected identity and token say about the caller. Blocking: with lazy authentication,
 * resolving the identity may block.
 */
@Path("/test-auth/whoami")
public class WhoAmIResource {

    @Inject
    SecurityIdentity identity;

    @Inject
    JsonWebToken token;

    @GET
    @Blocking
    public String whoAmI() {
        return (identity.isAnonymous() ? "anonymous" : identity.getPrincipal().getName()) + " roles="
                + new java.util.TreeSet<>(identity.getRoles()) + " jwt.iss=" + token.getIssuer();
    }
}

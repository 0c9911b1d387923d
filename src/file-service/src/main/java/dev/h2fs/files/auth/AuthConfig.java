package dev.h2fs.files.auth;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Who may use the file API. Tokens are MicroProfile JWT bearer tokens, verified by Quarkus's SmallRye JWT with the
 * standard keys ({@code mp.jwt.verify.publickey.location}, {@code mp.jwt.verify.issuer},
 * {@code mp.jwt.verify.audiences}); their {@code groups} claim gives the roles named here. Every key is under
 * {@code h2fs.files.auth}.
 *
 * <p>Thread-safe: an immutable view, read by any thread.
 */
@ConfigMapping(prefix = "h2fs.files.auth")
public interface AuthConfig {

    /** The role a token needs to upload ({@code POST /files}) or delete. Default {@code files-writer}. */
    @WithDefault("files-writer")
    String writeRole();

    /**
     * The role a token needs to read ({@code GET}/{@code HEAD /files...}). Unset (the default): reads are public. A
     * writer does not read unless its token also has this role.
     */
    Optional<String> readRole();

    /**
     * Lets anyone upload and delete, with or without a token. Default {@code false}: writes without a valid token
     * carrying {@link #writeRole()} are refused. Meant for a local try or a trusted network only; a WARN says so at
     * every start-up.
     */
    @WithDefault("false")
    boolean anonymousWrites();

    /** The cache of verified tokens. */
    TokenCache tokenCache();

    /**
     * Verified tokens, kept so that a client sending the same token on every request pays for one signature check.
     * A cached token is accepted until its {@code exp} or {@link #maxAge()}, whichever comes first, even if its key
     * was rotated out in the meantime.
     */
    interface TokenCache {

        /** Whether verified tokens are cached at all. Default {@code true}. */
        @WithDefault("true")
        boolean enabled();

        /** Most tokens kept; beyond it the least useful are dropped (Caffeine's size policy). Default {@code 10000}. */
        @WithDefault("10000")
        long maxSize();

        /**
         * Longest a verified token is trusted without a new signature check: bounds how long a token stays accepted
         * after its signing key is withdrawn. Default {@code 5M}.
         */
        @WithDefault("5M")
        Duration maxAge();
    }
}

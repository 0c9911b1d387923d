package dev.h2fs.files.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.jwt.JsonWebToken;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.smallrye.jwt.runtime.auth.MpJwtValidator;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/**
 * Bearer tokens verified once, then trusted until they expire: an identity provider in front of SmallRye JWT's
 * ({@link MpJwtValidator}, which it asks on a miss), so that a client sending the same token on every request pays
 * one signature check, not one per request. Only verified tokens are kept; a token that fails verification is
 * checked again each time it comes.
 * <p>
 * Keyed by the token's SHA-256, so the cache holds no token as a key; an entry lives until the token's {@code exp} or
 * {@code h2fs.files.auth.token-cache.max-age}, whichever is sooner, and the cache holds at most
 * {@code max-size} entries. Revocation: JWTs carry none; what the cache changes is that a token stays accepted for up
 * to {@code max-age} after its signing key was rotated out of the key set ({@code token-cache.enabled=false} turns
 * it off, and every request is verified).
 * <p>
 * Thread-safe: Caffeine's cache; the digest is per call; each thread's last token is its own.
 */
// Caffeine instantiates the cache and node classes its builder options name (SSMSA: strong keys and values, maximum
// size, variable expiry) by reflection; the native build must know them (NativeReflectionRegistrationsTest).
@RegisterForReflection(classNames = { "com.github.benmanes.caffeine.cache.SSMSA",
        "com.github.benmanes.caffeine.cache.PSWMS" })
@ApplicationScoped
public class VerifiedTokenCache implements IdentityProvider<TokenAuthenticationRequest> {

    /** Tokens verified by SmallRye JWT: the identity, without any request's routing context. */
    private final Cache<Digest, SecurityIdentity> verified;
    private final MpJwtValidator verifier;
    /** Per thread: the last token it saw verified (see {@link LastToken}); bounded by the number of threads. */
    private final ThreadLocal<LastToken> lastToken = new ThreadLocal<>();
    private final Counter hits;
    private final Counter misses;

    VerifiedTokenCache(AuthConfig config, MpJwtValidator verifier, MeterRegistry registry) {
        this.verifier = verifier;
        AuthConfig.TokenCache settings = config.tokenCache();
        this.verified = settings.enabled() ? newCache(settings.maxSize(), settings.maxAge()) : null;
        this.hits = Counter.builder("h2fs.auth.token.cache.hits")
                .description("Requests whose bearer token was found verified in the cache").register(registry);
        this.misses = Counter.builder("h2fs.auth.token.cache.misses")
                .description("Requests whose bearer token was verified (a signature check)").register(registry);
        if (verified != null) {
            Gauge.builder("h2fs.auth.token.cache.entries", verified, Cache::estimatedSize)
                    .description("Verified tokens held").register(registry);
        }
    }

    /**
     * @return the cache of verified tokens: at most {@code maxSize}, each until its {@code exp} or {@code maxAge}
     *         (public for the test of the native build's registrations, which reads the classes Caffeine picks)
     */
    public static Cache<Digest, SecurityIdentity> newCache(long maxSize, Duration maxAge) {
        // Maintenance (reordering after reads, evictions) runs on the calling thread, amortised: on the common
        // fork-join pool it woke a thread every few reads of the same hot token (4 % of a worker's CPU).
        return Caffeine.newBuilder().maximumSize(maxSize).expireAfter(new UntilExpiry(maxAge))
                .executor(Runnable::run).build();
    }

    /** Before SmallRye JWT's validator (the default priority), which is asked only on a miss. */
    @Override
    public int priority() {
        return IdentityProvider.super.priority() + 1;
    }

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TokenAuthenticationRequest request,
            AuthenticationRequestContext context) {
        if (verified == null) {
            misses.increment();
            return verifier.authenticate(request, context);
        }
        String token = request.getToken().getToken();
        RoutingContext routing = HttpSecurityUtils.getRoutingContextAttribute(request);
        LastToken last = lastToken.get();
        if (last != null && last.matches(token)) {
            hits.increment();
            return Uni.createFrom().item(forRequest(last.identity, routing));
        }
        Digest key = Digest.of(token);
        SecurityIdentity known = verified.getIfPresent(key);
        if (known != null) {
            hits.increment();
            remember(token, key, known);
            return Uni.createFrom().item(forRequest(known, routing));
        }
        misses.increment();
        // Verified without the routing context, so that the cached identity holds no request.
        return verifier.authenticate(new TokenAuthenticationRequest(request.getToken()), context)
                .map(identity -> {
                    if (identity != null) {
                        verified.put(key, identity);
                        remember(token, key, identity);
                    }
                    return identity == null ? null : forRequest(identity, routing);
                });
    }

    /** This thread's last token, until its cache entry would expire (the entry's remaining lifetime, read now). */
    private void remember(String token, Digest key, SecurityIdentity identity) {
        long lifetime = verified.policy().expireVariably().flatMap(policy -> policy.getExpiresAfter(key))
                .map(Duration::toNanos).orElse(0L);
        lastToken.set(lifetime > 0 ? new LastToken(token, identity, System.nanoTime() + lifetime) : null);
    }

    /**
     * The token a thread verified or found last: a client sends the same token on every request of its connection,
     * and a worker serves its connections, so most hits are this one; checking it costs a string comparison, against
     * a SHA-256 and a cache lookup. It lives no longer than the cache entry it came from.
     */
    private record LastToken(String token, SecurityIdentity identity, long deadline) {

        boolean matches(String candidate) {
            return System.nanoTime() - deadline < 0 && token.equals(candidate);
        }
    }

    /** The identity as SmallRye JWT would have built it for this request: with its routing context, if any. */
    private static SecurityIdentity forRequest(SecurityIdentity identity, RoutingContext routing) {
        return routing == null ? identity : new RequestIdentity(identity, routing);
    }

    /** A token's SHA-256. */
    public record Digest(byte[] bytes) {

        static Digest of(String token) {
            try {
                return new Digest(
                        MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every Java platform has SHA-256", e);
            }
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Digest digest && Arrays.equals(bytes, digest.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "Digest[sha256]";
        }
    }

    /** Lives until the token's {@code exp}, and never longer than the configured maximum. */
    private record UntilExpiry(Duration maxAge) implements Expiry<Digest, SecurityIdentity> {

        @Override
        public long expireAfterCreate(Digest key, SecurityIdentity identity, long currentTime) {
            long max = maxAge.toNanos();
            if (identity.getPrincipal() instanceof JsonWebToken token && token.getExpirationTime() > 0) {
                long untilExp = TimeUnit.SECONDS.toNanos(token.getExpirationTime())
                        - System.currentTimeMillis() * 1_000_000L;
                return Math.max(0, Math.min(max, untilExp));
            }
            return max;
        }

        @Override
        public long expireAfterUpdate(Digest key, SecurityIdentity identity, long currentTime, long currentDuration) {
            return currentDuration;
        }

        @Override
        public long expireAfterRead(Digest key, SecurityIdentity identity, long currentTime, long currentDuration) {
            return currentDuration;
        }
    }
}

package dev.h2fs.files.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Mints tokens for the tests, good and bad, with the JDK alone: RS256 signed with the tests' key
 * ({@code src/test/resources/jwt/private.pem}, whose public half the secured profiles verify with), and the forgeries
 * an attacker tries. Each token has a fresh {@code jti}, so no two are alike (the server caches verified ones).
 * Thread-safe: stateless.
 */
public final class TestTokens {

    public static final Path PUBLIC_KEY = Path.of("src/test/resources/jwt/public.pem").toAbsolutePath();
    private static final Path PRIVATE_KEY = Path.of("src/test/resources/jwt/private.pem").toAbsolutePath();
    public static final String ISSUER = "h2fs-test";
    public static final String AUDIENCE = "h2fs";

    private TestTokens() {
    }

    /** @return a valid RS256 token of the tests' issuer and audience, for an hour, with these groups */
    public static String valid(String... groups) {
        return rs256(claims(ISSUER, AUDIENCE, now() - 10, now() + 3600, null, groups), privateKey());
    }

    /** @return the claims of a token; {@code nbf} left out when null */
    public static String claims(String issuer, String audience, long issuedAt, long expires, Long notBefore,
            String... groups) {
        StringBuilder json = new StringBuilder("{\"iss\":\"").append(issuer).append("\",\"sub\":\"alice\",")
                .append("\"jti\":\"").append(UUID.randomUUID()).append("\",")
                .append("\"upn\":\"alice\",\"aud\":\"").append(audience).append("\",\"iat\":").append(issuedAt)
                .append(",\"exp\":").append(expires);
        if (notBefore != null) {
            json.append(",\"nbf\":").append(notBefore);
        }
        json.append(",\"groups\":[");
        for (int i = 0; i < groups.length; i++) {
            json.append(i == 0 ? "" : ",").append('"').append(groups[i]).append('"');
        }
        return json.append("]}").toString();
    }

    public static long now() {
        return Instant.now().getEpochSecond();
    }

    /** @return {@code claims} signed RS256 with {@code key} */
    public static String rs256(String claims, PrivateKey key) {
        String input = b64("{\"alg\":\"RS256\",\"typ\":\"JWT\"}") + "." + b64(claims);
        try {
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(key);
            signature.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return an unsigned token ({@code alg: none}) with the claims of a valid writer */
    public static String unsigned(String... groups) {
        return b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + b64(claims(ISSUER, AUDIENCE, now(), now() + 3600,
                null, groups)) + ".";
    }

    /** Algorithm confusion: HS256 with the server's public key (the PEM text) as the HMAC secret. */
    public static String hs256WithThePublicKey(String... groups) {
        String input = b64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}") + "."
                + b64(claims(ISSUER, AUDIENCE, now(), now() + 3600, null, groups));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Files.readAllBytes(PUBLIC_KEY), "HmacSHA256"));
            return input + "." + Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return a writer's claims signed by a key the server does not know */
    public static String signedByAnotherKey(String... groups) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return rs256(claims(ISSUER, AUDIENCE, now(), now() + 3600, null, groups),
                    generator.generateKeyPair().getPrivate());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static PrivateKey privateKey() {
        try {
            String pem = Files.readString(PRIVATE_KEY).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            return KeyFactory.getInstance("RSA")
                    .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}

package dev.h2fs.files.auth;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.vertx.core.http.HttpMethod;

import dev.h2fs.files.fastpath.ParityClient;
import dev.h2fs.files.fastpath.ParityClient.Reply;

/**
 * Every class of bad credential a write can bring, and the good ones, each answered on both paths of one listener
 * ({@link #vertxPath()}: HTTP/1.1 requests with {@code Content-Length: 0}, which Vert.x's HTTP path serves;
 * {@link #fastPath()}: HTTP/2 or plain HTTP/1.1, whose body-less requests take the REST fast path) with the same
 * status, headers and body (RFC 6750: {@code 401} with
 * {@code WWW-Authenticate: Bearer}, {@code error="invalid_token"} when a token was sent and failed; {@code 403} with
 * {@code error="insufficient_scope"} for a valid token without the role). The subclasses run them over HTTP/1.1, h2c and TLS.
 * Writes are {@code DELETE}s of a file that does not exist: refused, they never reach the store; allowed, they answer
 * {@code 404}.
 */
public abstract class BearerTokenCases {

    /** Tokens sent in this run: none may appear in the log. */
    static final List<String> SENT = new ArrayList<>();

    protected abstract ParityClient vertxPath();

    protected abstract ParityClient fastPath();

    /** @return the test profile the subclass runs in */
    protected abstract Class<? extends SecuredProfile> profile();

    private Reply delete(String what, String... headers) throws Exception {
        for (int i = 0; i + 1 < headers.length; i += 2) {
            if (headers[i].equalsIgnoreCase("Authorization")) {
                SENT.add(headers[i + 1].substring(headers[i + 1].indexOf(' ') + 1));
            }
        }
        return ParityClient.same(what, vertxPath(), fastPath(), HttpMethod.DELETE, "/files/never-stored.txt", headers);
    }

    private Reply deleteWith(String what, String token) throws Exception {
        return delete(what, "Authorization", "Bearer " + token);
    }

    private static void assertInvalidToken(Reply reply) {
        assertEquals(401, reply.status(), reply.toString());
        assertEquals("Bearer error=\"invalid_token\"", reply.header("www-authenticate"));
        assertEquals("the bearer token is not valid\n", reply.body());
    }

    @Test
    void aWriteWithoutATokenIsRefusedWith401AndABearerChallenge() throws Exception {
        Reply reply = delete("no token");
        assertEquals(401, reply.status());
        assertEquals("Bearer", reply.header("www-authenticate"));
        assertTrue(reply.body().contains("bearer token"), reply.body());
    }

    @Test
    void aMalformedTokenIsRefusedAsInvalid() throws Exception {
        assertInvalidToken(deleteWith("malformed", "not.a.jwt"));
        assertInvalidToken(deleteWith("garbage", "%%%"));
    }

    @Test
    void anUnsignedAlgNoneTokenIsRefusedAsInvalid() throws Exception {
        assertInvalidToken(deleteWith("alg none", TestTokens.unsigned("files-writer")));
    }

    @Test
    void algorithmConfusionHs256SignedWithThePublicKeyIsRefusedAsInvalid() throws Exception {
        assertInvalidToken(deleteWith("HS256 with the public key", TestTokens.hs256WithThePublicKey("files-writer")));
    }

    @Test
    void aTokenSignedByAnotherKeyIsRefusedAsInvalid() throws Exception {
        assertInvalidToken(deleteWith("wrong signature", TestTokens.signedByAnotherKey("files-writer")));
        String valid = TestTokens.valid("files-writer");
        String tampered = valid.substring(0, valid.lastIndexOf('.') + 1)
                + new StringBuilder(valid.substring(valid.lastIndexOf('.') + 1)).reverse();
        assertInvalidToken(deleteWith("tampered signature", tampered));
    }

    @Test
    void anExpiredTokenIsRefusedAsInvalid() throws Exception {
        long now = TestTokens.now();
        assertInvalidToken(deleteWith("expired", TestTokens.rs256(TestTokens.claims(TestTokens.ISSUER,
                TestTokens.AUDIENCE, now - 7200, now - 3600, null, "files-writer"), TestTokens.privateKey())));
    }

    @Test
    void aNotYetValidTokenIsRefusedAsInvalid() throws Exception {
        long now = TestTokens.now();
        assertInvalidToken(deleteWith("nbf in an hour", TestTokens.rs256(TestTokens.claims(TestTokens.ISSUER,
                TestTokens.AUDIENCE, now, now + 7200, now + 3600, "files-writer"), TestTokens.privateKey())));
    }

    @Test
    void aTokenOfAnotherIssuerIsRefusedAsInvalid() throws Exception {
        long now = TestTokens.now();
        assertInvalidToken(deleteWith("issuer", TestTokens.rs256(TestTokens.claims("https://attacker.example",
                TestTokens.AUDIENCE, now, now + 3600, null, "files-writer"), TestTokens.privateKey())));
    }

    @Test
    void aTokenForAnotherAudienceIsRefusedAsInvalid() throws Exception {
        long now = TestTokens.now();
        assertInvalidToken(deleteWith("audience", TestTokens.rs256(TestTokens.claims(TestTokens.ISSUER,
                "another-service", now, now + 3600, null, "files-writer"), TestTokens.privateKey())));
    }

    @Test
    void aTokenInTheQueryStringIsNotAccepted() throws Exception {
        String token = TestTokens.valid("files-writer");
        SENT.add(token);
        Reply reply = ParityClient.same("query token", vertxPath(), fastPath(), HttpMethod.DELETE,
                "/files/never-stored.txt?access_token=" + token);
        assertEquals(401, reply.status());
        assertEquals("Bearer", reply.header("www-authenticate"));
    }

    @Test
    void aValidTokenWithoutTheWriteRoleIsForbidden() throws Exception {
        Reply reply = deleteWith("reader only", TestTokens.valid("files-reader"));
        assertEquals(403, reply.status());
        assertEquals("Bearer error=\"insufficient_scope\"", reply.header("www-authenticate"));
        assertEquals("the bearer token does not carry the role this needs\n", reply.body());
    }

    @Test
    void aWriterMayDelete() throws Exception {
        Reply reply = deleteWith("writer", TestTokens.valid("files-writer"));
        assertEquals(404, reply.status(), "allowed through to the store, which has no such file");
    }

    @Test
    void aMethodTheApiDoesNotHaveIsNotAllowedRatherThanUnauthorized() throws Exception {
        Reply reply = ParityClient.same("PUT", vertxPath(), fastPath(), HttpMethod.PUT, "/files/never-stored.txt");
        assertEquals(405, reply.status());
    }

    @Test
    void readsArePublicWhenNoReadRoleIsSet() throws Exception {
        Reply reply = ParityClient.same("anonymous read", vertxPath(), fastPath(), HttpMethod.GET,
                "/files/never-stored.txt");
        assertEquals(404, reply.status());
    }

    @Test
    void theIdentityAndTheTokenAreInjectedOnBothPaths() throws Exception {
        String token = TestTokens.valid("files-writer", "files-reader");
        SENT.add(token);
        Reply reply = ParityClient.same("whoami", vertxPath(), fastPath(), HttpMethod.GET, "/test-auth/whoami",
                "Authorization", "Bearer " + token);
        assertEquals(200, reply.status());
        assertEquals("alice roles=[files-reader, files-writer] jwt.iss=" + TestTokens.ISSUER, reply.body());
        Reply anonymous = ParityClient.same("whoami anonymous", vertxPath(), fastPath(), HttpMethod.GET,
                "/test-auth/whoami");
        assertEquals("anonymous roles=[] jwt.iss=null", anonymous.body());
    }

    @Test
    void noTokenEverAppearsInTheLog() throws Exception {
        aMalformedTokenIsRefusedAsInvalid();
        anExpiredTokenIsRefusedAsInvalid();
        aValidTokenWithoutTheWriteRoleIsForbidden();
        aWriterMayDelete();
        Path log = Path.of(SecuredProfile.logFile(profile()));
        assertTrue(Files.exists(log), "the profile logs to " + log);
        String logged = Files.readString(log);
        assertFalse(SENT.isEmpty());
        for (String token : SENT) {
            String signature = token.substring(token.lastIndexOf('.') + 1);
            assertFalse(logged.contains(token), "a token was logged");
            assertFalse(signature.length() > 8 && logged.contains(signature), "a token's signature was logged");
        }
    }

    /** @return the sum of a counter's series in Prometheus's output */
    static double counter(String name) {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        double sum = 0;
        for (String line : metrics.split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }
}

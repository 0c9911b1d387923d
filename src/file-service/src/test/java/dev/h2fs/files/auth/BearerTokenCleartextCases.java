package dev.h2fs.files.auth;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.vertx.core.http.HttpMethod;

import dev.h2fs.files.fastpath.ParityClient;
import dev.h2fs.files.fastpath.ParityClients;

/**
 * The bearer-token cases over cleartext: HTTP/1.1 to Vert.x's path and {@link #fastPath()} to the REST fast path
 * (h2c with prior knowledge in {@link BearerTokenH2cTest}, HTTP/1.1 in {@link BearerTokenHttp1Test}), which must answer
 * alike; and what only this listener checks: that the fast path's requests did take it, and that a token is verified
 * once and then found in the cache.
 */
public abstract class BearerTokenCleartextCases extends BearerTokenCases {

    static ParityClients clients;

    @TestHTTPResource("/")
    URL base;

    @BeforeAll
    static void clients() {
        clients = ParityClients.cleartext();
    }

    @AfterAll
    static void close() throws Exception {
        clients.close();
    }

    @Override
    protected ParityClient vertxPath() {
        return clients.vertxPath(base);
    }

    @Override
    protected Class<? extends SecuredProfile> profile() {
        return SecuredProfile.class;
    }

    @Test
    void securedRequestsTakeTheFastPath() throws Exception {
        double before = counter("h2fs_transport_fastpath_requests_total");
        aWriteWithoutATokenIsRefusedWith401AndABearerChallenge();
        aTokenSignedByAnotherKeyIsRefusedAsInvalid();
        aValidTokenWithoutTheWriteRoleIsForbidden();
        aWriterMayDelete();
        assertEquals(before + 5, counter("h2fs_transport_fastpath_requests_total"),
                "each request of fastPath() (refused or allowed) was answered on the fast path");
    }

    @Test
    void theStartUpLineSaysTheFastPathIsOnAndNamesTheSecurityFiltersItRuns() throws Exception {
        String log = java.nio.file.Files.readString(java.nio.file.Path.of(SecuredProfile.logFile(profile())));
        String line = log.lines().filter(l -> l.contains("REST fast path")).findFirst().orElse("");
        assertTrue(line.contains("REST fast path on"), line);
        assertTrue(line.contains("HTTP authentication") && line.contains("HTTP permissions"), line);
    }

    @Test
    void uploadsNeedTheWriteRole() {
        String writer = TestTokens.valid("files-writer");
        String reader = TestTokens.valid("files-reader");
        SENT.add(writer);
        SENT.add(reader);
        given().multiPart("file", "secured.txt", "hi".getBytes()).post("/files").then().statusCode(401)
                .header("WWW-Authenticate", "Bearer");
        given().header("Authorization", "Bearer " + reader).multiPart("file", "secured.txt", "hi".getBytes())
                .post("/files").then().statusCode(403);
        given().header("Authorization", "Bearer " + writer).multiPart("file", "secured.txt", "hi".getBytes())
                .post("/files").then().statusCode(201);
        given().get("/files/secured.txt").then().statusCode(200).body(org.hamcrest.Matchers.equalTo("hi"));
    }

    /**
     * A cached token is not trusted past its {@code exp}: from then on it is verified again, so SmallRye JWT decides
     * (with its own clock-skew leeway, {@code mp.jwt.verify.clock.skew}).
     */
    @Test
    void aCachedTokenIsVerifiedAgainOnceItExpires() throws Exception {
        long now = TestTokens.now();
        String token = TestTokens.rs256(TestTokens.claims(TestTokens.ISSUER, TestTokens.AUDIENCE, now, now + 2, null,
                "files-writer"), TestTokens.privateKey());
        SENT.add(token);
        double misses = counter("h2fs_auth_token_cache_misses_total");
        for (int i = 0; i < 2; i++) {
            assertEquals(404, fastPath().send(HttpMethod.DELETE, "/files/never-stored.txt", "Authorization",
                    "Bearer " + token).status());
        }
        assertEquals(misses + 1, counter("h2fs_auth_token_cache_misses_total"), "verified, then cached");
        Thread.sleep(Math.max(0, (now + 3) * 1000 - System.currentTimeMillis()));
        fastPath().send(HttpMethod.DELETE, "/files/never-stored.txt", "Authorization", "Bearer " + token);
        assertEquals(misses + 2, counter("h2fs_auth_token_cache_misses_total"), "past its exp: verified again");
    }

    @Test
    void aTokenIsVerifiedOnceAndThenTakenFromTheCache() throws Exception {
        String token = TestTokens.valid("files-writer");
        SENT.add(token);
        double misses = counter("h2fs_auth_token_cache_misses_total");
        double hits = counter("h2fs_auth_token_cache_hits_total");
        for (int i = 0; i < 5; i++) {
            assertEquals(404, fastPath().send(HttpMethod.DELETE, "/files/never-stored.txt", "Authorization",
                    "Bearer " + token).status());
        }
        assertEquals(misses + 1, counter("h2fs_auth_token_cache_misses_total"), "one signature check");
        assertEquals(hits + 4, counter("h2fs_auth_token_cache_hits_total"));
        assertTrue(counter("h2fs_auth_token_cache_entries") >= 1);
    }
}

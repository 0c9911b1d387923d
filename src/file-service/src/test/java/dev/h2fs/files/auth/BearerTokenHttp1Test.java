package dev.h2fs.files.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URL;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.h2fs.files.fastpath.ParityClient;
import dev.h2fs.files.fastpath.ParityClients;

/**
 * The bearer-token cases over cleartext HTTP/1.1 on both paths: requests with {@code Content-Length: 0} (Vert.x's
 * path) and without (the REST fast path) must answer alike, and the second kind did take the fast path.
 */
@QuarkusTest
@TestProfile(SecuredProfile.class)
public class BearerTokenHttp1Test extends BearerTokenCases {

    private static ParityClients clients;

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

    @Override
    protected ParityClient fastPath() {
        return clients.fastPathHttp1(base);
    }

    @Test
    void securedHttp1RequestsTakeTheFastPath() throws Exception {
        double before = counter("h2fs_transport_fastpath_requests_total");
        aWriteWithoutATokenIsRefusedWith401AndABearerChallenge();
        aTokenSignedByAnotherKeyIsRefusedAsInvalid();
        aValidTokenWithoutTheWriteRoleIsForbidden();
        aWriterMayDelete();
        assertEquals(before + 5, counter("h2fs_transport_fastpath_requests_total"),
                "each HTTP/1.1 request without a body (refused or allowed) was answered on the fast path");
    }
}

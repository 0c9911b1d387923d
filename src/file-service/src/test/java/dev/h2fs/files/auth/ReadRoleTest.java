package dev.h2fs.files.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URL;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.http.HttpMethod;

import dev.h2fs.files.fastpath.ParityClient;
import dev.h2fs.files.fastpath.ParityClient.Reply;
import dev.h2fs.files.fastpath.ParityClients;

/**
 * With {@code h2fs.files.auth.read-role} set, reads need it: anonymous {@code 401}, a writer without it {@code 403}, a
 * reader gets through; alike over HTTP/1.1 (Vert.x's path) and h2c (the fast path).
 */
@QuarkusTest
@TestProfile(ReadRoleTest.ReadRole.class)
public class ReadRoleTest {

    public static class ReadRole extends SecuredProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>(super.getConfigOverrides());
            config.put("h2fs.files.auth.read-role", "files-reader");
            config.put("h2fs.files.dir", "target/test-store-read-role");
            return config;
        }
    }

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

    private Reply read(String what, String... headers) throws Exception {
        return ParityClient.same(what, clients.vertxPath(base),
                clients.fastPath(base), HttpMethod.GET, "/files/none.txt",
                headers);
    }

    @Test
    void anAnonymousReadIsRefusedWith401() throws Exception {
        Reply reply = read("anonymous");
        assertEquals(401, reply.status());
        assertEquals("Bearer", reply.header("www-authenticate"));
    }

    @Test
    void aWriterWithoutTheReadRoleIsForbiddenToRead() throws Exception {
        assertEquals(403, read("writer", "Authorization", "Bearer " + TestTokens.valid("files-writer")).status());
    }

    @Test
    void aWriterStillWritesWhenReadsNeedARole() throws Exception {
        Reply reply = ParityClient.same("writer deletes",
                clients.vertxPath(base),
                clients.fastPath(base), HttpMethod.DELETE, "/files/none.txt",
                "Authorization", "Bearer " + TestTokens.valid("files-writer"));
        assertEquals(404, reply.status(), "allowed through to the store, which has no such file");
    }

    @Test
    void aReaderReads() throws Exception {
        assertEquals(404, read("reader", "Authorization", "Bearer " + TestTokens.valid("files-reader")).status(),
                "allowed through to the store, which has no such file");
    }
}

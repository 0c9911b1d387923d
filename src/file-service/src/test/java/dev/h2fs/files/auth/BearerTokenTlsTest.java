package dev.h2fs.files.auth;

import java.net.URL;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.h2fs.files.fastpath.ParityClient;
import dev.h2fs.files.fastpath.ParityClients;
import dev.h2fs.files.tls.TestTls;

/** The bearer-token cases over TLS: HTTP/1.1 and h2 negotiated by ALPN on the same listener. */
@QuarkusTest
@TestProfile(BearerTokenTlsTest.SecuredTls.class)
public class BearerTokenTlsTest extends BearerTokenCases {

    public static class SecuredTls extends SecuredProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>(super.getConfigOverrides());
            config.put("h2fs.transport.run-mode", "h2");
            config.put("h2fs.transport.tls.key-file", TestTls.KEY.toString());
            config.put("h2fs.transport.tls.cert-file", TestTls.CERT.toString());
            config.put("h2fs.files.dir", "target/test-store-secured-tls");
            return config;
        }
    }

    private static ParityClients clients;

    @TestHTTPResource(value = "/", tls = true)
    URL base;

    @BeforeAll
    static void clients() {
        clients = ParityClients.tls(TestTls.CERT);
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
        return SecuredTls.class;
    }

    @Override
    protected ParityClient fastPath() {
        return clients.fastPath(base);
    }
}

package dev.h2fs.files.auth;

import java.net.URL;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.PemTrustOptions;

import dev.h2fs.files.fastpath.ParityClient;
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

    private static Vertx vertx;
    private static HttpClient http1;
    private static HttpClient h2;

    @TestHTTPResource(value = "/", tls = true)
    URL base;

    @BeforeAll
    static void clients() {
        vertx = Vertx.vertx();
        http1 = vertx.createHttpClient(options().setProtocolVersion(HttpVersion.HTTP_1_1));
        h2 = vertx.createHttpClient(options().setProtocolVersion(HttpVersion.HTTP_2));
    }

    private static HttpClientOptions options() {
        return new HttpClientOptions().setSsl(true).setUseAlpn(true)
                .setTrustOptions(new PemTrustOptions().addCertPath(TestTls.CERT.toString())).setVerifyHost(false);
    }

    @AfterAll
    static void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Override
    protected ParityClient vertxPath() {
        return new ParityClient(vertx, http1, base.getHost(), base.getPort());
    }

    @Override
    protected Class<? extends SecuredProfile> profile() {
        return SecuredTls.class;
    }

    @Override
    protected ParityClient fastPath() {
        return new ParityClient(vertx, h2, base.getHost(), base.getPort());
    }
}

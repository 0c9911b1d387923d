package dev.h2fs.files.fastpath;

import java.net.URL;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.PemTrustOptions;

/**
 * The clients a parity test compares, on one Vert.x: HTTP/1.1 with {@code Content-Length: 0} on every request, which
 * takes Vert.x's HTTP path, and HTTP/2 (h2c with prior knowledge, or h2 by ALPN over TLS) and plain HTTP/1.1, whose
 * body-less REST requests take the fast path. Open one per
 * test class ({@code @BeforeAll}), close it after ({@code @AfterAll}). Thread: the test's.
 */
public final class ParityClients implements AutoCloseable {

    private final Vertx vertx = Vertx.vertx();
    private final HttpClient http1;
    private final HttpClient http2;

    private ParityClients(HttpClientOptions options) {
        this.http1 = vertx.createHttpClient(new HttpClientOptions(options).setProtocolVersion(HttpVersion.HTTP_1_1));
        this.http2 = vertx.createHttpClient(new HttpClientOptions(options).setProtocolVersion(HttpVersion.HTTP_2));
    }

    /** @return clients for a cleartext listener: HTTP/1.1 and h2c with prior knowledge */
    public static ParityClients cleartext() {
        return new ParityClients(new HttpClientOptions().setHttp2ClearTextUpgrade(false));
    }

    /** @return clients for a TLS listener whose certificate is {@code cert}: HTTP/1.1 and h2, negotiated by ALPN */
    public static ParityClients tls(Path cert) {
        return new ParityClients(new HttpClientOptions().setSsl(true).setUseAlpn(true)
                .setTrustOptions(new PemTrustOptions().addCertPath(cert.toString())).setVerifyHost(false));
    }

    /** @return the HTTP/1.1 client whose requests go to Vert.x's path, for the application at {@code base} */
    public ParityClient vertxPath(URL base) {
        return new ParityClient(vertx, http1, base.getHost(), base.getPort(), true);
    }

    /** @return the HTTP/2 client, for the application at {@code base} */
    public ParityClient fastPath(URL base) {
        return new ParityClient(vertx, http2, base.getHost(), base.getPort());
    }

    /** @return the HTTP/1.1 client whose body-less REST requests take the fast path */
    public ParityClient fastPathHttp1(URL base) {
        return new ParityClient(vertx, http1, base.getHost(), base.getPort());
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}

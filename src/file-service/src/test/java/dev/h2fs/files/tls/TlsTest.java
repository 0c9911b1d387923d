package dev.h2fs.files.tls;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.Socket;
import java.net.URL;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;

import dev.h2fs.files.TestFiles;
import dev.h2fs.files.VertxExchange;

/** RUN_MODE=h2: TLS with ALPN on the transport's port, over real TLS sockets. */
@QuarkusTest
@TestProfile(TlsTest.Tls.class)
public class TlsTest {

    public static class Tls implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("h2fs.transport.run-mode", "h2",
                    "h2fs.transport.tls.key-file", TestTls.KEY.toString(),
                    "h2fs.transport.tls.cert-file", TestTls.CERT.toString(),
                    "h2fs.transport.tls.handshake-timeout", "1s",
                    "h2fs.files.dir", "target/test-store-tls");
        }
    }

    @TestHTTPResource(value = "/", tls = true)
    URL base;

    private static Vertx vertx;
    private static HttpClient h2;

    @BeforeAll
    static void client() {
        vertx = Vertx.vertx();
        h2 = vertx.createHttpClient(new HttpClientOptions().setSsl(true).setUseAlpn(true)
                .setProtocolVersion(HttpVersion.HTTP_2)
                .setTrustOptions(new PemTrustOptions().addCertPath(TestTls.CERT.toString()))
                .setVerifyHost(false));
    }

    @BeforeEach
    void restAssuredOverTls() {
        RestAssured.baseURI = "https://localhost";
        RestAssured.port = base.getPort();
        RestAssured.useRelaxedHTTPSValidation();
    }

    @AfterAll
    static void close() throws Exception {
        RestAssured.reset();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private HttpClientResponse send(HttpMethod method, String path, String type, byte[] body, Buffer[] out)
            throws Exception {
        RequestOptions options = new RequestOptions().setMethod(method).setHost(base.getHost())
                .setPort(base.getPort()).setURI(path);
        if (type != null) {
            options.putHeader("Content-Type", type);
        }
        return VertxExchange.start(vertx, () -> h2.request(options)
                .compose(req -> body == null ? req.send() : req.send(Buffer.buffer(body)))
                .compose(r -> r.body().map(b -> {
                    out[0] = b;
                    return r;
                }))).get(30, TimeUnit.SECONDS);
    }

    @Test
    void alpnNegotiatesH2AndTheFileRoundTripWorks() throws Exception {
        assertEquals("https", base.getProtocol());
        String name = TestFiles.name("tls");
        byte[] content = TestFiles.bytes(200_000, 31);
        TestFiles.Multipart body = new TestFiles.Multipart("tlsb").file("file", name, content);
        Buffer[] out = new Buffer[1];
        HttpClientResponse upload = send(HttpMethod.POST, "/files", body.contentType(), body.close(), out);
        assertEquals(201, upload.statusCode(), out[0].toString());
        assertEquals(HttpVersion.HTTP_2, upload.version());
        assertTrue(upload.request().connection().isSsl());

        HttpClientResponse get = send(HttpMethod.GET, "/files/" + name, null, null, out);
        assertEquals(200, get.statusCode());
        assertEquals(HttpVersion.HTTP_2, get.version());
        assertArrayEquals(content, out[0].getBytes());
    }

    @Test
    void alpnOffersH2FirstToAClientOfferingBoth() throws Exception {
        try (SSLSocket socket = TestTls.connect(base, "h2", "http/1.1")) {
            assertEquals("h2", socket.getApplicationProtocol());
        }
    }

    @Test
    void http11OverTlsWorks() throws Exception {
        try (SSLSocket socket = TestTls.connect(base, "http/1.1")) {
            assertEquals("http/1.1", socket.getApplicationProtocol());
            assertEquals("HTTP/1.1 200 OK", TestTls.http11StatusLine(socket, "/q/health/live"));
        }
        // REST Assured speaks HTTP/1.1 without ALPN; the file API works through it too.
        String name = TestFiles.name("tls11");
        TestFiles.upload(name, TestFiles.bytes(1000, 32)).then().statusCode(201);
        assertArrayEquals(TestFiles.bytes(1000, 32), given().get("/files/" + name).asByteArray());
    }

    @Test
    void onlyTls12AndTls13AreAccepted() throws Exception {
        try (SSLSocket socket = TestTls.connect(base, "h2")) {
            String protocol = socket.getSession().getProtocol();
            assertTrue(protocol.equals("TLSv1.3") || protocol.equals("TLSv1.2"), protocol);
        }
        try (SSLSocket socket = (SSLSocket) TestTls.trustingTestCert().getSocketFactory()
                .createSocket(base.getHost(), base.getPort())) {
            socket.setEnabledProtocols(new String[] { "TLSv1.2" });
            socket.startHandshake();
            assertEquals("TLSv1.2", socket.getSession().getProtocol());
        }
    }

    @Test
    void slowHandshakeCostsOnlyItsOwnConnection() throws Exception {
        try (Socket silent = new Socket(base.getHost(), base.getPort())) {
            silent.setSoTimeout(10_000);
            // Meanwhile other clients are served.
            given().get("/q/health/live").then().statusCode(200);
            long start = System.nanoTime();
            InputStream in = silent.getInputStream();
            int read = in.read();
            long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals(-1, read, "the server should close a connection that never handshakes");
            assertTrue(waited < 5_000, "closed after " + waited + " ms; the handshake timeout is 1 s");
        }
        given().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void cleartextHttpOnTheTlsPortIsDroppedAndTheListenerSurvives() throws Exception {
        try (Socket plain = new Socket(base.getHost(), base.getPort())) {
            plain.setSoTimeout(10_000);
            plain.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
            InputStream in = plain.getInputStream();
            while (in.read() != -1) {
                // whatever the TLS stack says (an alert, or nothing), the connection must end
            }
        }
        given().get("/q/health/ready").then().statusCode(200);
    }
}

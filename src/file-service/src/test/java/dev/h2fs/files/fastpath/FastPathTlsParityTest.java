package dev.h2fs.files.fastpath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.net.URL;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.PemTrustOptions;

import dev.h2fs.files.TestFiles;
import dev.h2fs.files.fastpath.ParityClient.Reply;
import dev.h2fs.files.tls.TestTls;
import dev.h2fs.files.tls.TlsTest;

/**
 * The fast path over TLS: HTTP/1.1 over TLS to Vert.x's path ({@code Content-Length: 0}), and HTTP/1.1 and h2
 * negotiated by ALPN to the fast path, give the same status, headers and body, and those requests are the fast
 * path's.
 */
@QuarkusTest
@TestProfile(TlsTest.Tls.class)
class FastPathTlsParityTest {

    @TestHTTPResource(value = "/", tls = true)
    URL base;

    private static Vertx vertx;
    private static HttpClient http1;
    private static HttpClient h2;

    @BeforeAll
    static void clients() {
        vertx = Vertx.vertx();
        HttpClientOptions tls = new HttpClientOptions().setSsl(true).setUseAlpn(true).setVerifyHost(false)
                .setTrustOptions(new PemTrustOptions().addCertPath(TestTls.CERT.toString()));
        http1 = vertx.createHttpClient(new HttpClientOptions(tls).setProtocolVersion(HttpVersion.HTTP_1_1));
        h2 = vertx.createHttpClient(new HttpClientOptions(tls).setProtocolVersion(HttpVersion.HTTP_2));
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

    private Reply same(String what, HttpMethod method, String uri, String... headers) throws Exception {
        ParityClient vertxPath = new ParityClient(vertx, http1, base.getHost(), base.getPort(), true);
        ParityClient.same(what + " (HTTP/1.1)", vertxPath, new ParityClient(vertx, http1, base.getHost(),
                base.getPort()), method, uri, headers);
        return ParityClient.same(what + " (h2)", vertxPath, new ParityClient(vertx, h2, base.getHost(), base.getPort()),
                method, uri, headers);
    }

    @Test
    void fileRequestsAnswerTheSameOverTlsOnBothPaths() throws Exception {
        String name = TestFiles.name("tls-parity");
        TestFiles.upload(name, TestFiles.bytes(4096, 41)).then().statusCode(201);
        String file = "/files/" + name;
        new ParityClient(vertx, http1, base.getHost(), base.getPort()).send(HttpMethod.GET, file); // cached now
        long before = FastPathParityTest.fastPathServed();

        Reply hit = same("200 from the cache", HttpMethod.GET, file);
        String etag = hit.header("etag");
        assertNotNull(etag);
        assertEquals(304, same("304", HttpMethod.GET, file, "If-None-Match", etag).status());
        assertEquals(206, same("206", HttpMethod.GET, file, "Range", "bytes=0-99").status());
        assertEquals(404, same("404", HttpMethod.GET, "/files/" + TestFiles.name("absent")).status());
        assertEquals(400, same("400", HttpMethod.GET, "/files/bad*name").status());
        assertEquals(200, same("HEAD", HttpMethod.HEAD, file).status());
        assertEquals(200, same("query and @Context", HttpMethod.GET, "/parity/echo?a=1&b=2").status());
        assertEquals(404, same("unknown path", HttpMethod.GET, "/nowhere").status());

        assertEquals(14, FastPathParityTest.fastPathServed() - before,
                "the HTTP/1.1 and h2 requests but the unknown path");
    }
}

package dev.h2fs.files.fastpath;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;

import dev.h2fs.files.TestFiles;
import dev.h2fs.files.fastpath.ParityClient.Reply;

/**
 * The REST fast path answers exactly as Vert.x's HTTP path does: the same requests over HTTP/1.1 with
 * {@code Content-Length: 0} (which Vert.x's path serves), over HTTP/1.1 as clients send them and over h2c (body-less
 * requests take the fast path) give the same status, headers and body. The fast-path counter proves the HTTP/1.1 and
 * h2c requests did take the fast path, and {@code http.server.requests} counts them.
 */
@QuarkusTest
public class FastPathParityTest {

    private static Vertx vertx;
    private static io.vertx.core.http.HttpClient http1Client;
    private static io.vertx.core.http.HttpClient h2cClient;

    @TestHTTPResource("/")
    URL base;

    @BeforeAll
    static void startClients() {
        vertx = Vertx.vertx();
        http1Client = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_1_1));
        h2cClient = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false));
    }

    @AfterAll
    static void stopClients() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** HTTP/1.1 requests with {@code Content-Length: 0}: Vert.x's path, the reference */
    private ParityClient http1() {
        return new ParityClient(vertx, http1Client, base.getHost(), base.getPort(), true);
    }

    /** HTTP/1.1 requests as clients send them: body-less ones take the fast path */
    private ParityClient http1FastPath() {
        return new ParityClient(vertx, http1Client, base.getHost(), base.getPort());
    }

    private ParityClient h2c() {
        return new ParityClient(vertx, h2cClient, base.getHost(), base.getPort());
    }

    /**
     * One request, sent to Vert.x's path over HTTP/1.1 and to the fast path over HTTP/1.1 and h2c; returns the h2c
     * reply after checking the three are the same.
     */
    private Reply same(String what, HttpMethod method, String uri, String... headers) throws Exception {
        ParityClient.same(what + " (HTTP/1.1)", http1(), http1FastPath(), method, uri, headers);
        return ParityClient.same(what + " (h2c)", http1(), h2c(), method, uri, headers);
    }

    @Test
    void fileRequestsAnswerTheSameOnBothPaths() throws Exception {
        String name = TestFiles.name("parity");
        byte[] content = TestFiles.bytes(4096, 31);
        TestFiles.upload(name, content).then().statusCode(201);
        String file = "/files/" + name;
        http1().send(HttpMethod.GET, file); // loads it into the cache: what follows are hits

        long servedBefore = fastPathServed();
        double countedBefore = requestsCounted("GET", "/files/{name}", "200");
        int fastPathRequests = 0;

        Reply hit = same("200 from the cache", HttpMethod.GET, file);
        fastPathRequests++;
        assertEquals(200, hit.status());
        assertEquals(new String(content, java.nio.charset.StandardCharsets.ISO_8859_1), hit.body());
        String etag = hit.header("etag");
        assertNotNull(etag);

        assertEquals(304, same("304", HttpMethod.GET, file, "If-None-Match", etag).status());
        assertEquals(206, same("206", HttpMethod.GET, file, "Range", "bytes=1-10").status());
        assertEquals(416, same("416", HttpMethod.GET, file, "Range", "bytes=99999-").status());
        assertEquals(400, same("400 for a bad name", HttpMethod.GET, "/files/bad*name").status());
        assertEquals(404, same("404", HttpMethod.GET, "/files/" + TestFiles.name("absent")).status());
        Reply head = same("HEAD", HttpMethod.HEAD, file);
        assertEquals(200, head.status());
        assertEquals("4096", head.header("content-length"));
        assertEquals("", head.body());
        assertEquals(200, same("the list (JSON, a blocking method)", HttpMethod.GET, "/files").status());
        fastPathRequests += 7;

        Reply filtered = same("a JAX-RS response filter on a hit", HttpMethod.GET, file, "x-parity-filter", "on");
        assertEquals("status 200", filtered.header("x-filtered"));
        fastPathRequests++;

        assertEquals(409, same("an exception mapper", HttpMethod.GET, "/parity/conflict").status());
        Reply echo = same("query parameters and @Context", HttpMethod.GET, "/parity/echo?a=1&a=2&b=x%20y",
                "X-Echo", "echoed");
        assertEquals("a=[1, 2] b=x y path=/parity/echo query=a=1&a=2&b=x%20y x-echo=echoed", echo.body());
        assertEquals(406, same("406: no acceptable representation", HttpMethod.GET, "/parity/json-only",
                "Accept", "text/plain").status());
        fastPathRequests += 3;

        Reply unknown = same("an unknown path (handed back to Vert.x)", HttpMethod.GET, "/nowhere/" + name);
        assertEquals(404, unknown.status());

        assertEquals(fastPathOn() ? 2 * fastPathRequests : 0, fastPathServed() - servedBefore,
                "HTTP/1.1 and h2c requests answered on the fast path (all but the unknown path, when it is on)");
        assertEquals(countedBefore + 8, requestsCounted("GET", "/files/{name}", "200"),
                "http.server.requests counts fast-path requests (two hits each: Vert.x's path twice, the fast path"
                        + " over HTTP/1.1 and h2c)");
    }

    /**
     * An exception no mapper answers gets Quarkus's error page on both paths: 500, the content type the client accepts,
     * an error id, the exception (the stack trace the test profile shows differs by path, so it is not compared).
     */
    @Test
    void anUnmappedExceptionGetsQuarkussErrorPageOnBothPaths() throws Exception {
        for (String accept : new String[] { "application/json", "text/html", "text/plain" }) {
            List<Reply> replies = new ArrayList<>();
            for (ParityClient client : List.of(http1(), http1FastPath(), h2c())) {
                replies.add(client.send(HttpMethod.GET, "/parity/unmapped", "Accept", accept));
            }
            for (int fast = 1; fast < replies.size(); fast++) {
                assertEquals(500, replies.get(fast).status(), accept);
                assertEquals(replies.get(0).header("content-type"), replies.get(fast).header("content-type"), accept);
                assertTrue(replies.get(fast).header("content-type").startsWith(accept),
                        replies.get(fast).header("content-type"));
            }
            for (Reply reply : replies) {
                assertTrue(reply.body().contains("IllegalStateException: left to Quarkus's error handler"),
                        reply.body());
                assertTrue(ERROR_ID.matcher(reply.body()).find(), reply.body());
            }
        }
    }

    /**
     * Attack: response splitting. A value reflected into a response header with a line break in it would end the
     * header block over HTTP/1.1 and let the rest of the value be read as headers or a second response. The fast path
     * refuses to set it (Vert.x's header check) and answers the failure as any other: 500, Quarkus's error page,
     * nothing of the value on the wire. (Vert.x's path, Quarkus 3.33, refuses it inside its response's end, after the
     * response counts as written, and never answers: the client waits for the idle timeout. So this compares the fast
     * path's answer with the error page of an unmapped exception, not with Vert.x's.)
     */
    @Test
    void responseSplittingThroughAReflectedHeaderIsRefusedWithA500OnTheFastPath() throws Exception {
        Assumptions.assumeTrue(fastPathOn(), "Vert.x's path does not answer such a request");
        String uri = "/parity/reflect?v=a%0d%0ax-injected:%20yes%0d%0a%0d%0aHTTP/1.1%20200%20OK";
        for (ParityClient client : List.of(http1FastPath(), h2c())) {
            Reply reply = client.send(HttpMethod.GET, uri, "Accept", "text/plain");
            assertEquals(500, reply.status(), reply.toString());
            assertNull(reply.header("x-injected"), reply.toString());
            assertNull(reply.header("x-reflected"), reply.toString());
            assertTrue(ERROR_ID.matcher(reply.body()).find(), reply.body());
        }
        assertEquals(200, same("a harmless value is reflected", HttpMethod.GET, "/parity/reflect?v=plain").status());
        // the connections that carried the refused responses still serve
        assertEquals(200, http1FastPath().send(HttpMethod.GET, "/parity/reflect?v=again").status());
    }

    private static final java.util.regex.Pattern ERROR_ID = java.util.regex.Pattern
            .compile("Error id [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-[0-9]+");

    @Test
    void aCacheMissAndItsFilterAnswerTheSameOnBothPaths() throws Exception {
        byte[] content = TestFiles.bytes(10_000, 32);
        String name = TestFiles.name("parity-miss");
        List<Reply> replies = new ArrayList<>();
        for (ParityClient client : List.of(http1(), http1FastPath(), h2c())) {
            TestFiles.upload(name, content).then().statusCode(201); // a fresh upload: the next GET is a miss
            replies.add(client.send(HttpMethod.GET, "/files/" + name, "x-parity-filter", "on").withoutValidators());
        }
        assertEquals(200, replies.get(0).status());
        assertEquals("status 200", replies.get(0).header("x-filtered"));
        assertEquals(replies.get(0).sansVersion(), replies.get(1).sansVersion(), "HTTP/1.1");
        assertEquals(replies.get(0).sansVersion(), replies.get(2).sansVersion(), "h2c");
    }

    @Test
    void deleteAnswersTheSameOnBothPaths() throws Exception {
        List<Reply> replies = new ArrayList<>();
        String name = TestFiles.name("parity-delete");
        for (ParityClient client : List.of(http1(), http1FastPath(), h2c())) {
            TestFiles.upload(name, TestFiles.bytes(100, 33)).then().statusCode(201);
            replies.add(client.send(HttpMethod.DELETE, "/files/" + name));
            replies.add(client.send(HttpMethod.DELETE, "/files/" + name));
        }
        assertEquals(204, replies.get(0).status());
        assertEquals(404, replies.get(1).status());
        for (int fast = 2; fast < replies.size(); fast += 2) {
            assertEquals(replies.get(0).sansVersion(), replies.get(fast).sansVersion());
            assertEquals(replies.get(1).sansVersion(), replies.get(fast + 1).sansVersion());
        }
    }

    /** @return whether the fast path is on in this test's configuration */
    boolean fastPathOn() {
        return true;
    }

    public static long fastPathServed() {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        long sum = 0;
        for (String line : metrics.split("\n")) {
            if (line.startsWith("h2fs_transport_fastpath_requests_total{")) {
                sum += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    static double requestsCounted(String method, String uri, String status) {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String line : metrics.split("\n")) {
            if (line.startsWith("http_server_requests_seconds_count{") && line.contains("method=\"" + method + "\"")
                    && line.contains("uri=\"" + uri + "\"") && line.contains("status=\"" + status + "\"")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }
}

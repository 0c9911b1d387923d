package dev.h2fs.transport.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;

import dev.h2fs.transport.TransportServer;
import dev.h2fs.transport.quarkus.TransportLifecycle;

/**
 * Forwarded headers keep the fast path: behind a trusted proxy, the scheme, host and client address that RESTEasy
 * ({@code UriInfo}, the {@code Host} header) and the access log see on the fast path are those Vert.x's path
 * computes from {@code X-Forwarded-*}, over h2c and over HTTP/1.1 (what an ingress speaks to the service; Vert.x's
 * path is reached with {@code Content-Length: 0}); contradicting headers get the answer Vert.x's path gives them.
 */
class FastPathForwardedTest {

    @RegisterExtension
    static final QuarkusUnitTest TEST = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(UriResource.class, H2cClient.class, AccessLogLines.class))
            .overrideConfigKey("h2fs.transport.port", "0")
            .overrideConfigKey("h2fs.transport.threads", "1")
            .overrideConfigKey("quarkus.http.proxy.proxy-address-forwarding", "true")
            .overrideConfigKey("quarkus.http.proxy.allow-x-forwarded", "true")
            .overrideConfigKey("quarkus.http.proxy.allow-forwarded", "true")
            .overrideConfigKey("quarkus.http.proxy.enable-forwarded-host", "true")
            .overrideConfigKey("quarkus.http.proxy.enable-forwarded-prefix", "true")
            .overrideConfigKey("quarkus.http.proxy.trusted-proxies", "127.0.0.1")
            .overrideConfigKey("quarkus.http.access-log.enabled", "true")
            .overrideConfigKey("quarkus.http.access-log.pattern", "%h %{i,Host} \"%m %U\" %s");

    @Inject
    TransportLifecycle lifecycle;

    @Test
    void aTrustedProxysHeadersGiveTheAddressesVertxGives() throws Exception {
        TransportServer server = lifecycle.server();
        int port = server.boundAddress().getPort();
        long before = server.fastPathServed(0);
        String[] proxied = { "X-Forwarded-For", "203.0.113.7", "X-Forwarded-Proto", "https",
                "X-Forwarded-Host", "files.example.org" };
        try (AccessLogLines log = new AccessLogLines("io.quarkus.http.access-log");
                H2cClient h2 = H2cClient.priorKnowledge(port);
                H2cClient http1 = H2cClient.http1(port)) {
            H2cClient.Answer fast = h2.get("/uri", proxied);
            String fastLine = log.next();
            H2cClient.Answer vertx = http1.get("/uri", toVertx(proxied));
            String vertxLine = log.next();
            H2cClient.Answer fastHttp1 = http1.get("/uri", proxied);
            String fastHttp1Line = log.next();
            assertEquals(200, fast.status());
            assertEquals("https://files.example.org/uri base=https://files.example.org/ host=files.example.org",
                    fast.body());
            assertEquals(vertx.body(), fast.body());
            assertEquals(vertx.body(), fastHttp1.body(), "HTTP/1.1, as an ingress speaks to the service");
            assertEquals("203.0.113.7 files.example.org \"GET /uri\" 200", fastLine);
            assertEquals(vertxLine, fastLine);
            assertEquals(vertxLine, fastHttp1Line);
        }
        assertEquals(before + 2, server.fastPathServed(0));
    }

    /** A proxy that serves the application under a path prefix says so; RESTEasy's URIs carry it on both paths. */
    @Test
    void aTrustedProxysPrefixIsInTheUrisAsOnVertx() throws Exception {
        TransportServer server = lifecycle.server();
        int port = server.boundAddress().getPort();
        long before = server.fastPathServed(0);
        String[] proxied = { "X-Forwarded-Proto", "https", "X-Forwarded-Host", "files.example.org",
                "X-Forwarded-Prefix", "/storage" };
        try (H2cClient h2 = H2cClient.priorKnowledge(port); H2cClient http1 = H2cClient.http1(port)) {
            H2cClient.Answer fast = h2.get("/uri", proxied);
            H2cClient.Answer vertx = http1.get("/uri", toVertx(proxied));
            H2cClient.Answer fastHttp1 = http1.get("/uri", proxied);
            assertEquals(200, fast.status());
            assertEquals(vertx.body(), fast.body());
            assertEquals(vertx.body(), fastHttp1.body());
            assertTrue(fast.body().contains("/storage"), fast.body());
        }
        assertEquals(before + 2, server.fastPathServed(0));
    }

    /**
     * Attack: a client behind the proxy sends a {@code Forwarded} header that contradicts the proxy's
     * {@code X-Forwarded-Host}. Quarkus's strict forwarded control refuses the request (400); the fast path hands it, as it arrived, to
     * Vert.x's path, which answers it as it always does.
     */
    @Test
    void contradictingForwardedHeadersGetWhatVertxGives() throws Exception {
        TransportServer server = lifecycle.server();
        int port = server.boundAddress().getPort();
        long before = server.fastPathServed(0);
        String[] contradicting = { "Forwarded", "host=evil.example.org", "X-Forwarded-Host", "files.example.org" };
        try (H2cClient h2 = H2cClient.priorKnowledge(port); H2cClient http1 = H2cClient.http1(port)) {
            H2cClient.Answer fast = h2.get("/uri", contradicting);
            H2cClient.Answer vertx = http1.get("/uri", toVertx(contradicting));
            H2cClient.Answer fastHttp1 = http1.get("/uri", contradicting);
            assertEquals(400, fast.status(), fast.body());
            assertEquals(vertx.status(), fast.status());
            assertEquals(vertx.status(), fastHttp1.status(), fastHttp1.body());
            assertEquals(vertx.body().replaceAll("Error id [-0-9a-f]+", ""),
                    fastHttp1.body().replaceAll("Error id [-0-9a-f]+", ""));
            // Quarkus's error page names the request's error id and its protocol's missing header: ':authority'
            assertTrue(fast.body().contains("':authority' pseudo-header is required"), fast.body());
        }
        assertEquals(before, server.fastPathServed(0), "the answer is Vert.x's");
    }

    /** The same request with {@code Content-Length: 0}: it announces a body, so Vert.x's path serves it. */
    private static String[] toVertx(String[] headerPairs) {
        String[] pairs = java.util.Arrays.copyOf(headerPairs, headerPairs.length + 2);
        pairs[headerPairs.length] = "Content-Length";
        pairs[headerPairs.length + 1] = "0";
        return pairs;
    }
}

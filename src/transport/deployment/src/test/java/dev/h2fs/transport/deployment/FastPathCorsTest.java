package dev.h2fs.transport.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import java.util.TreeMap;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;

import dev.h2fs.transport.TransportServer;
import dev.h2fs.transport.quarkus.TransportLifecycle;

/**
 * CORS keeps the fast path: Quarkus's CORS filter runs on it before RESTEasy. An allowed origin's request is served on
 * the fast path with the headers the filter adds, the same as over HTTP/1.1 (Vert.x's path); a request the filter
 * rejects goes to Vert.x's path, which answers it as Quarkus does (403); a request without an {@code Origin} gets no
 * CORS headers.
 */
class FastPathCorsTest {

    @RegisterExtension
    static final QuarkusUnitTest TEST = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(ThreadResource.class, H2cClient.class))
            .overrideConfigKey("h2fs.transport.port", "0")
            // HTTP/1.1 requests are the Vert.x path's reference here
            .overrideConfigKey("h2fs.transport.fast-path.http1", "false")
            .overrideConfigKey("h2fs.transport.threads", "1")
            .overrideConfigKey("quarkus.http.cors.enabled", "true")
            .overrideConfigKey("quarkus.http.cors.origins", "https://example.org")
            .overrideConfigKey("quarkus.http.cors.exposed-headers", "x-request-id");

    @Inject
    TransportLifecycle lifecycle;

    @Test
    void anAllowedOriginIsServedOnTheFastPathWithTheCorsHeadersVertxGives() throws Exception {
        TransportServer server = lifecycle.server();
        int port = server.boundAddress().getPort();
        long before = server.fastPathServed(0);
        try (H2cClient h2 = H2cClient.priorKnowledge(port); H2cClient http1 = H2cClient.http1(port)) {
            H2cClient.Answer answer = h2.get("/thread/non-blocking", "Origin", "https://example.org");
            assertEquals(200, answer.status());
            assertEquals("https://example.org", answer.header("access-control-allow-origin"));
            H2cClient.Answer overVertx = http1.get("/thread/non-blocking", "Origin", "https://example.org");
            assertEquals(cors(overVertx), cors(answer), "the same CORS headers on both paths");
            H2cClient.Answer plain = h2.get("/thread/non-blocking");
            assertEquals(200, plain.status());
            assertNull(plain.header("access-control-allow-origin"));
        }
        assertEquals(before + 2, server.fastPathServed(0));
    }

    @Test
    void aRejectedOriginIsAnsweredByVertxAsQuarkusDoes() throws Exception {
        TransportServer server = lifecycle.server();
        int port = server.boundAddress().getPort();
        long before = server.fastPathServed(0);
        try (H2cClient h2 = H2cClient.priorKnowledge(port); H2cClient http1 = H2cClient.http1(port)) {
            H2cClient.Answer answer = h2.get("/thread/non-blocking", "Origin", "https://attacker.example");
            assertEquals(403, answer.status());
            assertNull(answer.header("access-control-allow-origin"));
            H2cClient.Answer overVertx = http1.get("/thread/non-blocking", "Origin", "https://attacker.example");
            assertEquals(overVertx.status(), answer.status());
            assertEquals(overVertx.body(), answer.body());
        }
        assertEquals(before, server.fastPathServed(0));
    }

    private static Map<String, String> cors(H2cClient.Answer answer) {
        Map<String, String> cors = new TreeMap<>();
        answer.headers().forEach(header -> {
            String name = header.getKey().toLowerCase(java.util.Locale.ROOT);
            if (name.startsWith("access-control-") || name.equals("vary")) {
                cors.put(name, header.getValue());
            }
        });
        return cors;
    }
}

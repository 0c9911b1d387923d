package dev.h2fs.transport.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;

import dev.h2fs.transport.TransportLifecycle;
import dev.h2fs.transport.TransportServer;

/**
 * CORS keeps the fast path: Quarkus's CORS filter runs on it before RESTEasy. An allowed origin's request is served on
 * the fast path with the headers the filter adds; a request the filter rejects goes to Vert.x's path, which answers it
 * as Quarkus does (403), and a request without an {@code Origin} gets no CORS headers.
 */
class FastPathCorsTest {

    @RegisterExtension
    static final QuarkusUnitTest TEST = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(ThreadResource.class, H2cClient.class))
            .overrideConfigKey("h2fs.transport.port", "0")
            .overrideConfigKey("h2fs.transport.threads", "1")
            .overrideConfigKey("quarkus.http.cors.enabled", "true")
            .overrideConfigKey("quarkus.http.cors.origins", "https://example.org");

    @Inject
    TransportLifecycle lifecycle;

    @Test
    void anAllowedOriginIsServedOnTheFastPathWithItsCorsHeaders() throws Exception {
        TransportServer server = lifecycle.server();
        long before = server.fastPathServed(0);
        try (H2cClient h2 = H2cClient.priorKnowledge(server.boundAddress().getPort())) {
            H2cClient.Answer answer = h2.get("/thread/non-blocking", "Origin", "https://example.org");
            assertEquals(200, answer.status());
            assertEquals("https://example.org", answer.header("access-control-allow-origin"));
            assertEquals("true", answer.header("access-control-allow-credentials"));
            H2cClient.Answer plain = h2.get("/thread/non-blocking");
            assertEquals(200, plain.status());
            assertNull(plain.header("access-control-allow-origin"));
        }
        assertEquals(before + 2, server.fastPathServed(0));
    }

    @Test
    void aRejectedOriginIsAnsweredByVertxAsQuarkusDoes() throws Exception {
        TransportServer server = lifecycle.server();
        long before = server.fastPathServed(0);
        try (H2cClient h2 = H2cClient.priorKnowledge(server.boundAddress().getPort())) {
            H2cClient.Answer answer = h2.get("/thread/non-blocking", "Origin", "https://attacker.example");
            assertEquals(403, answer.status());
            assertNull(answer.header("access-control-allow-origin"));
        }
        assertEquals(before, server.fastPathServed(0));
    }
}

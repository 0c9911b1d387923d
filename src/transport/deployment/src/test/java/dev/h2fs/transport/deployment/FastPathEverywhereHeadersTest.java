package dev.h2fs.transport.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;

import dev.h2fs.transport.TransportServer;
import dev.h2fs.transport.quarkus.TransportLifecycle;

/**
 * The usual static headers, on every response ({@code quarkus.http.header.*} with the default path and no method):
 * the fast path sets them without routing each request, and a fast-path response carries them as Vert.x's does,
 * whatever the path (including one no resource maps, answered by Vert.x's path).
 */
class FastPathEverywhereHeadersTest {

    @RegisterExtension
    static final QuarkusUnitTest TEST = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(ThreadResource.class, H2cClient.class))
            .overrideConfigKey("h2fs.transport.port", "0")
            // HTTP/1.1 requests are the Vert.x path's reference here
            .overrideConfigKey("h2fs.transport.fast-path.http1", "false")
            .overrideConfigKey("h2fs.transport.threads", "1")
            .overrideConfigKey("quarkus.http.header.\"X-Frame-Options\".value", "deny")
            .overrideConfigKey("quarkus.http.header.\"Strict-Transport-Security\".value", "max-age=31536000");

    @Inject
    TransportLifecycle lifecycle;

    @Test
    void headersOnEveryResponseAreOnFastPathResponsesAsOnVertxs() throws Exception {
        TransportServer server = lifecycle.server();
        int port = server.boundAddress().getPort();
        long before = server.fastPathServed(0);
        try (H2cClient h2 = H2cClient.priorKnowledge(port); H2cClient http1 = H2cClient.http1(port)) {
            for (String path : new String[] { "/thread/non-blocking", "/thread/blocking", "/nowhere" }) {
                H2cClient.Answer fast = h2.get(path);
                H2cClient.Answer vertx = http1.get(path);
                assertEquals(vertx.status(), fast.status(), path);
                assertEquals("deny", fast.header("x-frame-options"), path);
                assertEquals(vertx.header("x-frame-options"), fast.header("x-frame-options"), path);
                assertEquals(vertx.header("strict-transport-security"), fast.header("strict-transport-security"),
                        path);
            }
        }
        assertEquals(before + 2, server.fastPathServed(0), "the two resource paths took the fast path");
    }
}

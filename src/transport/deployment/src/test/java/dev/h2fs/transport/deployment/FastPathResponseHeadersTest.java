package dev.h2fs.transport.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;

import dev.h2fs.transport.TransportServer;
import dev.h2fs.transport.quarkus.TransportLifecycle;

/**
 * Static response headers keep the fast path: {@code quarkus.http.header.*} (with its path and method filters) and
 * {@code quarkus.http.filter.*} (a regular expression over the path) give a fast-path response the headers Vert.x's
 * path gives the same request, and only where their rules say.
 */
class FastPathResponseHeadersTest {

    @RegisterExtension
    static final QuarkusUnitTest TEST = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(ThreadResource.class, H2cClient.class))
            .overrideConfigKey("h2fs.transport.port", "0")
            // HTTP/1.1 requests are the Vert.x path's reference here
            .overrideConfigKey("h2fs.transport.fast-path.http1", "false")
            .overrideConfigKey("h2fs.transport.threads", "1")
            .overrideConfigKey("quarkus.http.header.\"X-Frame-Options\".value", "deny")
            .overrideConfigKey("quarkus.http.header.\"X-Get-Only\".value", "get")
            .overrideConfigKey("quarkus.http.header.\"X-Get-Only\".path", "/thread/*")
            .overrideConfigKey("quarkus.http.header.\"X-Get-Only\".methods", "GET")
            .overrideConfigKey("quarkus.http.header.\"X-Elsewhere\".value", "other")
            .overrideConfigKey("quarkus.http.header.\"X-Elsewhere\".path", "/other/*")
            .overrideConfigKey("quarkus.http.filter.cache.matches", "/thread/non-.*")
            .overrideConfigKey("quarkus.http.filter.cache.header.\"Cache-Control\"", "max-age=60");

    @Inject
    TransportLifecycle lifecycle;

    @Test
    void configuredHeadersAreOnFastPathResponsesAsOnVertxs() throws Exception {
        TransportServer server = lifecycle.server();
        int port = server.boundAddress().getPort();
        long before = server.fastPathServed(0);
        try (H2cClient h2 = H2cClient.priorKnowledge(port); H2cClient http1 = H2cClient.http1(port)) {
            for (String path : new String[] { "/thread/non-blocking", "/thread/blocking" }) {
                H2cClient.Answer fast = h2.get(path);
                H2cClient.Answer vertx = http1.get(path);
                assertEquals(200, fast.status());
                for (String header : new String[] { "x-frame-options", "x-get-only", "cache-control", "x-elsewhere" }) {
                    assertEquals(vertx.header(header), fast.header(header), header + " of " + path);
                }
            }
            H2cClient.Answer nonBlocking = h2.get("/thread/non-blocking");
            assertEquals("deny", nonBlocking.header("x-frame-options"));
            assertEquals("get", nonBlocking.header("x-get-only"));
            assertEquals("max-age=60", nonBlocking.header("cache-control"));
            assertNull(nonBlocking.header("x-elsewhere"), "a header whose path does not match");
            assertNull(h2.get("/thread/blocking").header("cache-control"), "a filter whose expression does not match");
        }
        assertEquals(before + 4, server.fastPathServed(0), "every h2c request took the fast path");
    }
}

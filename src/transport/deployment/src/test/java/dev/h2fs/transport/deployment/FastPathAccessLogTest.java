package dev.h2fs.transport.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Metrics;
import io.quarkus.test.QuarkusUnitTest;

import dev.h2fs.transport.TransportServer;
import dev.h2fs.transport.quarkus.TransportLifecycle;

/**
 * The access log keeps the fast path: a fast-path request gets the line Vert.x's path writes for the same request
 * (the {@code combined} format: address, user, time, request line, status, bytes, referer, user agent), to the same
 * category; the exclusion pattern leaves a path out on both. The lines compared differ only where the requests do:
 * the protocol in the request line, and the time.
 */
class FastPathAccessLogTest {

    @RegisterExtension
    static final QuarkusUnitTest TEST = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(ThreadResource.class, H2cClient.class, AccessLogLines.class))
            .overrideConfigKey("h2fs.transport.port", "0")
            .overrideConfigKey("h2fs.transport.threads", "1")
            .overrideConfigKey("quarkus.http.access-log.enabled", "true")
            .overrideConfigKey("quarkus.http.access-log.pattern", "combined")
            .overrideConfigKey("quarkus.http.access-log.exclude-pattern", "/thread/blocking");

    @Inject
    TransportLifecycle lifecycle;

    @Test
    void aFastPathRequestGetsTheLineVertxWritesForIt() throws Exception {
        TransportServer server = lifecycle.server();
        int port = server.boundAddress().getPort();
        long before = server.fastPathServed(0);
        try (AccessLogLines log = new AccessLogLines("io.quarkus.http.access-log");
                H2cClient h2 = H2cClient.priorKnowledge(port);
                H2cClient http1 = H2cClient.http1(port)) {
            h2.get("/thread/non-blocking?q=1", "Referer", "https://example.org/", "User-Agent", "parity/1");
            String fast = log.next();
            // Content-Length: 0 announces a body: Vert.x's path serves the request, the reference
            http1.get("/thread/non-blocking?q=1", "Referer", "https://example.org/", "User-Agent", "parity/1",
                    "Content-Length", "0");
            String vertx = log.next();
            http1.get("/thread/non-blocking?q=1", "Referer", "https://example.org/", "User-Agent", "parity/1");
            String fastHttp1 = log.next();
            assertNotNull(fast, "the fast path wrote a line");
            assertNotNull(vertx, "Vert.x's path wrote a line");
            assertTrue(fast.contains("\"GET /thread/non-blocking?q=1 HTTP/2\" 200 "), fast);
            assertTrue(fast.endsWith(" \"https://example.org/\" \"parity/1\""), fast);
            assertEquals(comparable(vertx), comparable(fast));
            assertTrue(fastHttp1.contains("\"GET /thread/non-blocking?q=1 HTTP/1.1\" 200 "), fastHttp1);
            assertEquals(vertx.replaceAll("\\[[^]]*]", "[time]"), fastHttp1.replaceAll("\\[[^]]*]", "[time]"),
                    "HTTP/1.1 on both paths");
        }
        assertEquals(before + 2, server.fastPathServed(0), "h2c and the HTTP/1.1 request without a body");
        FunctionCounter dropped = Metrics.globalRegistry.find("h2fs.transport.access.log.dropped").functionCounter();
        assertNotNull(dropped, "lines dropped by the hand-off are a meter");
        assertEquals(0.0, dropped.count(), "no line dropped");
    }

    @Test
    void anExcludedPathIsNotLoggedOnTheFastPath() throws Exception {
        TransportServer server = lifecycle.server();
        int port = server.boundAddress().getPort();
        long before = server.fastPathServed(0);
        try (AccessLogLines log = new AccessLogLines("io.quarkus.http.access-log");
                H2cClient h2 = H2cClient.priorKnowledge(port)) {
            assertEquals(200, h2.get("/thread/blocking").status());
            assertEquals(200, h2.get("/thread/non-blocking").status());
            String line = log.next();
            assertTrue(line.contains("/thread/non-blocking"), "the first line is the second request's: " + line);
            assertNull(log.within(300), "no other line");
        }
        assertEquals(before + 2, server.fastPathServed(0));
    }

    /** The line without what differs between the two requests: the protocol and the time. */
    static String comparable(String line) {
        return line.replaceAll("\\[[^]]*]", "[time]").replace("HTTP/2", "HTTP").replace("HTTP/1.1", "HTTP");
    }
}

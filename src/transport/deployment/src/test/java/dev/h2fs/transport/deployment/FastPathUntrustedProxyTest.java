package dev.h2fs.transport.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;

import dev.h2fs.transport.TransportServer;
import dev.h2fs.transport.quarkus.TransportLifecycle;

/**
 * Attack: a client that is not a trusted proxy sends {@code X-Forwarded-*} headers to pass for another address and
 * host. The fast path ignores them, as Vert.x's path does: RESTEasy and the access log see the connection's own.
 */
class FastPathUntrustedProxyTest {

    @RegisterExtension
    static final QuarkusUnitTest TEST = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(UriResource.class, H2cClient.class, AccessLogLines.class))
            .overrideConfigKey("h2fs.transport.port", "0")
            // HTTP/1.1 requests are the Vert.x path's reference here
            .overrideConfigKey("h2fs.transport.fast-path.http1", "false")
            .overrideConfigKey("h2fs.transport.threads", "1")
            .overrideConfigKey("quarkus.http.proxy.proxy-address-forwarding", "true")
            .overrideConfigKey("quarkus.http.proxy.allow-x-forwarded", "true")
            .overrideConfigKey("quarkus.http.proxy.enable-forwarded-host", "true")
            .overrideConfigKey("quarkus.http.proxy.trusted-proxies", "10.1.2.3")
            .overrideConfigKey("quarkus.http.access-log.enabled", "true")
            .overrideConfigKey("quarkus.http.access-log.pattern", "%h \"%m %U\" %s");

    @Inject
    TransportLifecycle lifecycle;

    @Test
    void forgedForwardedHeadersFromAnUntrustedClientAreIgnored() throws Exception {
        TransportServer server = lifecycle.server();
        int port = server.boundAddress().getPort();
        long before = server.fastPathServed(0);
        String[] forged = { "X-Forwarded-For", "203.0.113.7", "X-Forwarded-Proto", "https",
                "X-Forwarded-Host", "files.example.org" };
        try (AccessLogLines log = new AccessLogLines("io.quarkus.http.access-log");
                H2cClient h2 = H2cClient.priorKnowledge(port);
                H2cClient http1 = H2cClient.http1(port)) {
            H2cClient.Answer fast = h2.get("/uri", forged);
            String fastLine = log.next();
            H2cClient.Answer vertx = http1.get("/uri", forged);
            String vertxLine = log.next();
            assertEquals("http://localhost:" + port + "/uri base=http://localhost:" + port + "/ host=localhost:" + port,
                    fast.body());
            assertEquals(vertx.body(), fast.body());
            assertEquals("127.0.0.1 \"GET /uri\" 200", fastLine);
            assertEquals(vertxLine, fastLine);
        }
        assertEquals(before + 1, server.fastPathServed(0));
    }
}

package dev.h2fs.transport.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;

import dev.h2fs.transport.TransportServer;
import dev.h2fs.transport.quarkus.TransportLifecycle;

/**
 * Under {@code quarkus.http.root-path}, the fast path serves the resources below it, and a path outside it answers
 * as it does over HTTP/1.1 (Vert.x's 404), not as the resource it would name without the root (RESTEasy matches a
 * path that lacks its prefix as if it had it).
 */
class FastPathRootPathTest {

    @RegisterExtension
    static final QuarkusUnitTest TEST = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(ThreadResource.class, H2cClient.class))
            .overrideConfigKey("h2fs.transport.port", "0")
            .overrideConfigKey("h2fs.transport.threads", "1")
            .overrideConfigKey("quarkus.http.root-path", "/api");

    @Inject
    TransportLifecycle lifecycle;

    @Test
    void pathsOutsideTheRootAnswerAsOverHttp11() throws Exception {
        TransportServer server = lifecycle.server();
        int port = server.boundAddress().getPort();
        try (H2cClient http1 = H2cClient.http1(port); H2cClient h2 = H2cClient.priorKnowledge(port)) {
            long before = server.fastPathServed(0);
            assertEquals(200, h2.get("/api/thread/non-blocking").status());
            assertEquals(1, server.fastPathServed(0) - before, "below the root: the fast path");
            int vertx = http1.get("/thread/non-blocking").status();
            assertEquals(404, vertx);
            assertEquals(vertx, h2.get("/thread/non-blocking").status());
            assertEquals(1, server.fastPathServed(0) - before, "outside the root: Vert.x's");
        }
    }
}

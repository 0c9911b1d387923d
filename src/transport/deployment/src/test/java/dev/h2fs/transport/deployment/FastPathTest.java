package dev.h2fs.transport.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;
import io.vertx.core.http.HttpVersion;

import dev.h2fs.transport.TransportServer;
import dev.h2fs.transport.quarkus.TransportLifecycle;

/**
 * The REST fast path's hook: body-less h2c REST requests are answered by the transport itself, on its worker loops
 * (non-blocking methods) or Quarkus's worker pool (blocking ones), every one of the requests on a connection,
 * including those that arrive in the same read as the client's first SETTINGS. Fails first when a Vert.x or Quarkus
 * upgrade moves the seams the fast path uses (the decoder's frame listener that Vert.x swaps on SETTINGS, Quarkus
 * REST's deployment build item): the counter then stays at 0.
 */
class FastPathTest {

    @RegisterExtension
    static final QuarkusUnitTest TEST = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(ThreadResource.class, H2cClient.class))
            .overrideConfigKey("h2fs.transport.port", "0")
            .overrideConfigKey("h2fs.transport.threads", "2");

    @Inject
    TransportLifecycle lifecycle;

    @Test
    void restStreamsAreServedByTheTransportItselfFromTheFirstOn() throws Exception {
        TransportServer server = lifecycle.server();
        int port = server.boundAddress().getPort();
        long before = served(server);
        try (H2cClient h2 = H2cClient.priorKnowledge(port)) {
            List<CompletableFuture<H2cClient.Answer>> answers = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                answers.add(h2.send(i % 2 == 0 ? "/thread/non-blocking" : "/thread/blocking"));
            }
            for (int i = 0; i < answers.size(); i++) {
                H2cClient.Answer answer = answers.get(i).get(10, TimeUnit.SECONDS);
                assertEquals(200, answer.status());
                assertEquals(HttpVersion.HTTP_2, answer.version());
                assertTrue(answer.body().startsWith(i % 2 == 0 ? "h2fs-worker-" : "executor-thread-"),
                        "ran on " + answer.body());
            }
            assertEquals(1, h2.connectionsOpened());
        }
        assertEquals(20, served(server) - before, "every h2c request answered on the fast path");
    }

    @Test
    void http11RequestsTakeTheFastPathUnmappedPathsStayOnVertx() throws Exception {
        TransportServer server = lifecycle.server();
        int port = server.boundAddress().getPort();
        long before = served(server);
        try (H2cClient http1 = H2cClient.http1(port); H2cClient h2 = H2cClient.priorKnowledge(port)) {
            H2cClient.Answer answer = http1.get("/thread/non-blocking");
            assertEquals(200, answer.status());
            assertEquals(HttpVersion.HTTP_1_1, answer.version());
            assertTrue(answer.body().startsWith("h2fs-worker-"), "ran on " + answer.body());
            assertEquals(404, h2.get("/no-such-resource").status());
            assertEquals(404, http1.get("/no-such-resource").status());
            assertEquals(200, h2.get("/q/health/live").status());
            assertEquals(200, http1.get("/q/health/live").status());
        }
        assertEquals(1, served(server) - before, "the HTTP/1.1 REST request");
    }

    static long served(TransportServer server) {
        long sum = 0;
        for (int id = 0; id < server.workers().size(); id++) {
            sum += server.fastPathServed(id);
        }
        return sum;
    }
}

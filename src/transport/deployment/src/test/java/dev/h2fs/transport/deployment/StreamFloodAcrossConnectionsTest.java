package dev.h2fs.transport.deployment;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;
import io.vertx.core.http.StreamResetException;

import dev.h2fs.transport.http2.StreamBudget;
import dev.h2fs.transport.loop.Worker;
import dev.h2fs.transport.quarkus.TransportLifecycle;

/**
 * Many connections, each within its own stream limit, together holding more streams than the worker's heap budget
 * allows: the stream over the budget is refused with RST_STREAM(REFUSED_STREAM) whatever connection it came on, the
 * streams already open are served, and once they close new streams are served again.
 */
class StreamFloodAcrossConnectionsTest {

    private static final int REFUSED_STREAM = 0x7;

    @RegisterExtension
    static final QuarkusUnitTest TEST = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(HeldResource.class, ThreadResource.class, H2cClient.class))
            .overrideConfigKey("h2fs.transport.port", "0")
            .overrideConfigKey("h2fs.transport.threads", "1")
            .overrideConfigKey("h2fs.transport.http2.max-streams-per-worker", "2");

    @Inject
    TransportLifecycle lifecycle;

    @Test
    void aStreamOverTheWorkersBudgetIsRefusedOnAnyConnectionAndServedOnceStreamsClose() throws Exception {
        int port = lifecycle.server().boundAddress().getPort();
        StreamBudget budget = lifecycle.server().workers().get(0).streamBudget();
        assertEquals(2, budget.limit());
        try (H2cClient first = H2cClient.priorKnowledge(port);
                H2cClient second = H2cClient.priorKnowledge(port);
                H2cClient third = H2cClient.priorKnowledge(port)) {
            HeldResource.release = new CompletableFuture<>();
            HeldResource.ARRIVED.set(0);
            List<CompletableFuture<H2cClient.Answer>> held = List.of(first.send("/held"), second.send("/held"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (HeldResource.ARRIVED.get() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(2, HeldResource.ARRIVED.get(), "both held requests reached the method");
            Worker worker = lifecycle.server().workers().get(0);
            while (worker.activeStreams() != 2 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(2, worker.activeStreams(), "the heartbeat publishes the open streams");

            ExecutionException refused = assertThrows(ExecutionException.class,
                    () -> third.get("/thread/non-blocking"));
            StreamResetException reset = assertInstanceOf(StreamResetException.class, refused.getCause());
            assertEquals(REFUSED_STREAM, reset.getCode());
            assertEquals(1, budget.refused());

            HeldResource.release.complete("released");
            for (CompletableFuture<H2cClient.Answer> answer : held) {
                H2cClient.Answer done = answer.get(10, TimeUnit.SECONDS);
                assertEquals(200, done.status());
                assertEquals("released", done.body());
            }
            H2cClient.Answer after = third.get("/thread/non-blocking");
            assertEquals(200, after.status());
            assertTrue(after.body().startsWith("h2fs-worker-"), after.body());
            assertEquals(1, budget.refused());
        }
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("h2fs_transport_streams_refused_total{worker=\"0\"} 1.0"), metrics);
    }
}

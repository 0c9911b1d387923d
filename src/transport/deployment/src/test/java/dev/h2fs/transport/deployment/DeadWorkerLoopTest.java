package dev.h2fs.transport.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;

import dev.h2fs.transport.TransportServer;
import dev.h2fs.transport.loop.Worker;
import dev.h2fs.transport.quarkus.TransportLifecycle;
import dev.h2fs.transport.quarkus.TransportReadinessCheck;

/**
 * A worker whose loop has died: the balancer stops choosing it (its queue counts as full), so every new connection is
 * served by the live worker instead of being queued to a loop that will never run it, and readiness goes DOWN naming
 * the dead worker.
 */
class DeadWorkerLoopTest {

    @RegisterExtension
    static final QuarkusUnitTest TEST = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(ThreadResource.class, RawHttp.class))
            .overrideConfigKey("h2fs.transport.port", "0")
            .overrideConfigKey("h2fs.transport.threads", "2");

    @Inject
    TransportLifecycle lifecycle;

    @Inject
    @Readiness
    TransportReadinessCheck readiness;

    @Test
    void connectionsGoToTheLiveWorkerAndReadinessNamesTheDeadOne() throws Exception {
        TransportServer server = lifecycle.server();
        int port = server.boundAddress().getPort();
        Worker dying = server.workers().get(1);
        dying.eventLoop().shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();

        for (int i = 0; i < 40; i++) {
            String response = RawHttp.get(RawHttp.connect(port), "/thread/non-blocking");
            assertTrue(response != null && response.startsWith("HTTP/1.1 200"), "connection " + i + ": " + response);
            assertTrue(response.contains("h2fs-worker-0"), "connection " + i + " served by " + response);
        }
        assertTrue(dying.isDead());
        assertEquals(0, dying.lostToDeadLoop(), "nothing was queued to it when it died");
        assertTrue(server.reassignments() > 0, "no connection hashed to the dead worker");

        HealthCheckResponse ready = readiness.call();
        assertEquals(HealthCheckResponse.Status.DOWN, ready.getStatus());
        assertTrue(String.valueOf(ready.getData().orElseThrow().get("worker-1")).startsWith("dead"),
                String.valueOf(ready.getData()));
    }
}

package dev.h2fs.transport.deployment;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.CountDownLatch;

import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.netty.channel.EventLoop;
import io.quarkus.test.QuarkusUnitTest;

import dev.h2fs.transport.TransportServer;
import dev.h2fs.transport.quarkus.AcceptorLivenessCheck;
import dev.h2fs.transport.quarkus.TransportLifecycle;
import dev.h2fs.transport.quarkus.TransportReadinessCheck;

/**
 * Health through the transport: readiness and liveness are UP on a healthy transport; readiness goes DOWN while a
 * worker loop is stalled and when the listener is closed; liveness goes DOWN while the acceptor is wedged. The DOWN
 * states are read from the check beans, because an HTTP request could land on the very loop we are stalling.
 */
class TransportHealthTest {

    @RegisterExtension
    static final QuarkusUnitTest TEST = new QuarkusUnitTest()
            .overrideConfigKey("h2fs.transport.port", "0")
            .overrideConfigKey("h2fs.transport.threads", "2")
            .overrideConfigKey("h2fs.transport.stall-timeout", "1S");

    @Inject
    TransportLifecycle lifecycle;

    @Inject
    @Readiness
    TransportReadinessCheck readiness;

    @Inject
    @Liveness
    AcceptorLivenessCheck liveness;

    @Test
    void upWhenHealthyDownWhenStalledOrClosed() throws Exception {
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'h2fs-transport' }.status", equalTo("UP"));
        given().get("/q/health/live").then().statusCode(200)
                .body("checks.find { it.name == 'h2fs-transport-acceptor' }.status", equalTo("UP"));

        TransportServer server = lifecycle.server();
        CountDownLatch release = stall(server.workers().get(1).eventLoop());
        Thread.sleep(2_000);
        assertEquals(HealthCheckResponse.Status.DOWN, readiness.call().getStatus(), "stalled worker");
        release.countDown();
        awaitStatus(readiness, HealthCheckResponse.Status.UP);

        release = stall(server.acceptor().eventLoop());
        Thread.sleep(2_000);
        assertEquals(HealthCheckResponse.Status.DOWN, liveness.call().getStatus(), "wedged acceptor");
        release.countDown();
        awaitStatus(liveness, HealthCheckResponse.Status.UP);

        server.acceptor().close();
        assertEquals(HealthCheckResponse.Status.DOWN, readiness.call().getStatus(), "closed listener");
    }

    private static CountDownLatch stall(EventLoop loop) {
        CountDownLatch release = new CountDownLatch(1);
        loop.execute(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return release;
    }

    private static void awaitStatus(HealthCheck check,
            HealthCheckResponse.Status expected) throws InterruptedException {
        long deadline = System.nanoTime() + 3_000_000_000L;
        while (check.call().getStatus() != expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(expected, check.call().getStatus());
    }
}

package dev.h2fs.transport.quarkus;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import dev.h2fs.transport.TransportConfig;
import dev.h2fs.transport.TransportServer;
import dev.h2fs.transport.loop.Worker;

/**
 * Readiness: DOWN when the listening socket is closed (for instance after an accept failure) or when a worker loop is
 * dead or stalled, i.e. has not run its heartbeat task within {@code h2fs.transport.stall-timeout}; and from the
 * moment shutdown begins, so that traffic moves elsewhere before the listener closes.
 * <p>
 * Thread: any (reads thread-safe state).
 */
@Readiness
@ApplicationScoped
public class TransportReadinessCheck implements HealthCheck {

    @Inject
    TransportLifecycle lifecycle;

    @Inject
    TransportConfig config;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("h2fs-transport");
        if (!config.enabled()) {
            return response.up().withData("enabled", false).build();
        }
        if (lifecycle.draining()) {
            return response.down().withData("reason", "shutting down").build();
        }
        TransportServer server = lifecycle.server();
        if (server == null) {
            return response.down().withData("reason", "not started").build();
        }
        boolean up = server.isListening();
        response.withData("listening", up).withData("port", server.boundAddress().getPort());
        for (Worker worker : server.workers()) {
            boolean dead = worker.isDead();
            boolean stalled = worker.heartbeat().isStalled(config.stallTimeout());
            response.withData("worker-" + worker.id(), (dead ? "dead, " : stalled ? "stalled, " : "ok, ")
                    + worker.heartbeat().sinceLastBeat().toMillis() + " ms");
            up &= !dead && !stalled;
        }
        return response.status(up).build();
    }
}

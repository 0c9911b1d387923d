package dev.h2fs.transport.quarkus;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;

import dev.h2fs.transport.TransportConfig;
import dev.h2fs.transport.TransportServer;
import dev.h2fs.transport.loop.Acceptor;

/**
 * Liveness: DOWN when the acceptor loop is wedged or dead (its heartbeat task has not run within
 * {@code h2fs.transport.stall-timeout}), or when an accept error that cannot heal closed a listening socket: such a
 * process accepts nothing and only a restart helps. (A lack of descriptors or memory only pauses accepting, and
 * heals.) In reuseport mode there is no acceptor thread; the listener part still applies.
 * <p>
 * Thread: any (reads thread-safe state).
 */
@Liveness
@ApplicationScoped
public class AcceptorLivenessCheck implements HealthCheck {

    @Inject
    TransportLifecycle lifecycle;

    @Inject
    TransportConfig config;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("h2fs-transport-acceptor");
        TransportServer server = lifecycle.server();
        if (server != null && server.listenerFailed()) {
            return response.down().withData("reason", "listener closed by an accept error").build();
        }
        Acceptor acceptor = server == null ? null : server.acceptor();
        if (acceptor == null) {
            return response.up().build();
        }
        boolean stalled = acceptor.heartbeat().isStalled(config.stallTimeout());
        return response.status(!stalled)
                .withData("since-last-beat-ms", acceptor.heartbeat().sinceLastBeat().toMillis())
                .build();
    }
}

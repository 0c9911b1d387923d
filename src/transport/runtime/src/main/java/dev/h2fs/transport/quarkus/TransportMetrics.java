package dev.h2fs.transport.quarkus;

import java.util.ArrayList;
import java.util.List;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import dev.h2fs.transport.TransportServer;
import dev.h2fs.transport.loop.ConnectionLimit;
import dev.h2fs.transport.loop.Worker;

/**
 * The transport's own meters (Prometheus names in brackets):
 * <ul>
 * <li>per worker, tag {@code worker}: active connections ({@code h2fs_transport_connections_active}), connections
 * taken ({@code h2fs_transport_connections_accepted_total}), hand-off queue depth
 * ({@code h2fs_transport_queue_depth}), open HTTP/2 streams sampled each heartbeat
 * ({@code h2fs_transport_streams_active}), streams refused over the worker's budget
 * ({@code h2fs_transport_streams_refused_total}), connections closed unserved because the worker's loop had died
 * ({@code h2fs_transport_connections_lost_total}), HTTP/2 connections whose unread requests were dropped because the
 * client had hung up ({@code h2fs_transport_connections_abandoned_total}), closes that lingered
 * ({@code h2fs_transport_connections_lingered_total}) and those of them the bound ended
 * ({@code h2fs_transport_connections_linger_expired_total}), REST requests answered on the fast path
 * ({@code h2fs_transport_fastpath_requests_total});</li>
 * <li>balancer: reassignments ({@code h2fs_transport_balancer_reassignments_total}) and shed connections
 * ({@code h2fs_transport_balancer_shed_total});</li>
 * <li>acceptor: accept errors ({@code h2fs_transport_accept_errors_total}), connections open
 * ({@code h2fs_transport_connections_open}) against their limit ({@code h2fs_transport_connections_max}), pauses at the
 * limit ({@code h2fs_transport_accept_paused_total}).</li>
 * </ul>
 * Every meter reads the server's thread-safe counters when scraped; nothing is recorded on the hot path.
 * <p>
 * Thread: {@link #bind} and {@link #close} by the start/stop thread; meters are read by the scraping thread.
 */
final class TransportMetrics implements AutoCloseable {

    private final MeterRegistry registry;
    private final List<Meter> meters = new ArrayList<>();

    private TransportMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    static TransportMetrics bind(MeterRegistry registry, TransportServer server) {
        TransportMetrics metrics = new TransportMetrics(registry);
        for (Worker worker : server.workers()) {
            Tags tags = Tags.of("worker", Integer.toString(worker.id()));
            metrics.meters.add(Gauge.builder("h2fs.transport.connections.active", worker, Worker::activeConnections)
                    .description("Connections currently open on the worker").tags(tags).register(registry));
            metrics.meters.add(FunctionCounter
                    .builder("h2fs.transport.connections.accepted", worker, Worker::acceptedConnections)
                    .description("Connections handed to the worker since start").tags(tags).register(registry));
            metrics.meters.add(Gauge.builder("h2fs.transport.queue.depth", worker, w -> w.queue().size())
                    .description("Connections waiting in the worker's hand-off queue").tags(tags)
                    .register(registry));
            metrics.meters.add(FunctionCounter
                    .builder("h2fs.transport.guard.request.head.timeouts", worker, Worker::requestHeadTimeouts)
                    .description("Connections closed for a request head or HTTP/2 preface that took too long")
                    .tags(tags).register(registry));
            metrics.meters.add(FunctionCounter
                    .builder("h2fs.transport.guard.write.stalls", worker, Worker::writeStalls)
                    .description("Connections closed because their output made no progress").tags(tags)
                    .register(registry));
            metrics.meters.add(Gauge.builder("h2fs.transport.streams.active", worker, Worker::activeStreams)
                    .description("HTTP/2 streams open on the worker (sampled each heartbeat)").tags(tags)
                    .register(registry));
            metrics.meters.add(FunctionCounter
                    .builder("h2fs.transport.connections.lost", worker, Worker::lostToDeadLoop)
                    .description("Connections closed unserved because the worker's loop had died").tags(tags)
                    .register(registry));
            metrics.meters.add(FunctionCounter
                    .builder("h2fs.transport.streams.refused", worker, w -> w.streamBudget().refused())
                    .description("HTTP/2 streams refused (REFUSED_STREAM) because the worker had its most open")
                    .tags(tags).register(registry));
            metrics.meters.add(FunctionCounter
                    .builder("h2fs.transport.connections.abandoned", worker,
                            w -> w.streamBudget().abandonedConnections())
                    .description("HTTP/2 connections closed with their unread requests dropped unserved because the"
                            + " client had hung up")
                    .tags(tags).register(registry));
            metrics.meters.add(FunctionCounter
                    .builder("h2fs.transport.connections.lingered", worker, w -> w.lingerCounts().lingered())
                    .description("Connections whose close lingered: output shut after the last bytes (a GOAWAY),"
                            + " input read and dropped until the client closed or h2fs.transport.lingering-close-time"
                            + " passed")
                    .tags(tags).register(registry));
            metrics.meters.add(FunctionCounter
                    .builder("h2fs.transport.connections.linger.expired", worker, w -> w.lingerCounts().expired())
                    .description("Lingering closes ended by h2fs.transport.lingering-close-time: the client kept"
                            + " sending, or never closed its side")
                    .tags(tags).register(registry));
            int id = worker.id();
            metrics.meters.add(FunctionCounter
                    .builder("h2fs.transport.fastpath.requests", server, s -> s.fastPathServed(id))
                    .description("REST requests the transport answered itself (the fast path), not through Vert.x's"
                            + " HTTP server; http.server.requests counts both")
                    .tags(tags).register(registry));
        }
        metrics.meters.add(FunctionCounter
                .builder("h2fs.transport.balancer.reassignments", server, TransportServer::reassignments)
                .description("Connections sent to another worker because their worker's queue was full")
                .register(registry));
        metrics.meters.add(FunctionCounter.builder("h2fs.transport.balancer.shed", server, TransportServer::shed)
                .description("Connections closed because every worker queue was full").register(registry));
        metrics.meters.add(Gauge.builder("h2fs.transport.connections.open", server.connectionLimit(),
                ConnectionLimit::open)
                .description("Connections open on the transport (accepted, not yet closed), queued ones included")
                .register(registry));
        metrics.meters.add(Gauge.builder("h2fs.transport.connections.max", server.connectionLimit(),
                ConnectionLimit::limit)
                .description("h2fs.transport.max-connections: at this many open connections accepting pauses")
                .register(registry));
        metrics.meters.add(FunctionCounter
                .builder("h2fs.transport.accept.paused", server, TransportServer::limitPauses)
                .description("Times accepting paused because the connections open reached the limit")
                .register(registry));
        metrics.meters.add(FunctionCounter
                .builder("h2fs.transport.accept.errors", server, TransportServer::acceptErrors)
                .description("accept() failures and connections that failed to be placed").register(registry));
        metrics.meters.add(FunctionCounter
                .builder("h2fs.transport.access.log.dropped", server, TransportServer::accessLogDropped)
                .description("Access-log lines of fast-path requests not written: the hand-off to the log's thread"
                        + " was full (h2fs.transport.fast-path.access-log-queue), or the log refused them")
                .register(registry));
        return metrics;
    }

    @Override
    public void close() {
        meters.forEach(registry::remove);
        meters.clear();
    }
}

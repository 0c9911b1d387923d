package dev.h2fs.transport.deployment;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;

import dev.h2fs.transport.TransportServer;
import dev.h2fs.transport.loop.Worker;
import dev.h2fs.transport.quarkus.TransportLifecycle;

/**
 * The balancer end to end, with queues of capacity 1: while workers are held busy, connections make the balancer
 * reassign (one worker busy) and shed (all busy); every connection it did not shed is served; the counters
 * show up in Prometheus through the transport itself, next to the standard {@code http_server_requests_seconds}.
 */
class LoadBalancerEndToEndTest {

    @RegisterExtension
    static final QuarkusUnitTest TEST = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(ThreadResource.class, RawHttp.class))
            .overrideConfigKey("h2fs.transport.port", "0")
            .overrideConfigKey("h2fs.transport.threads", "2")
            .overrideConfigKey("h2fs.transport.queue-capacity", "1")
            .overrideConfigKey("h2fs.transport.indirect-table-size", "16");

    @Inject
    TransportLifecycle lifecycle;

    @Test
    void reassignsWhenOneWorkerIsBusyShedsWhenAllAreAndServesEveryoneElse() throws Exception {
        TransportServer server = lifecycle.server();
        int port = server.boundAddress().getPort();

        // Phase 1: worker 0 busy, connections arrive one by one (each placed, and drained if it went to worker 1,
        // before the next). Worker 0's one-place queue fills with the first connection for its slots; the later ones
        // move to worker 1 and their slots are rewritten. Nothing is shed, everything is served once worker 0 is free.
        CountDownLatch release = hold(server.workers().subList(0, 1));
        List<Socket> burst = new ArrayList<>();
        try {
            for (int i = 1; i <= 24; i++) {
                burst.add(RawHttp.connect(port));
                awaitDispatched(server, i);
                awaitEmpty(server.workers().get(1));
            }
        } finally {
            release.countDown(); // a failed assertion must not leave the loop blocked (the shutdown would wait on it)
        }
        int served = serve(burst);
        assertTrue(server.reassignments() > 0, "reassignments: " + server.reassignments());
        assertEquals(0, server.shed());
        assertEquals(24, served, "every connection served");

        // Phase 2: both workers busy, a burst. One connection fits in each queue; the other 8 are shed.
        long shedBefore = server.shed();
        release = hold(server.workers());
        try {
            burst = connect(port, 10);
            awaitDispatched(server, 24 + 10);
        } finally {
            release.countDown();
        }
        served = serve(burst);
        long shed = server.shed() - shedBefore;
        assertEquals(8, shed);
        assertEquals(10 - shed, served, "every connection not shed is served");

        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(counter(metrics, "h2fs_transport_balancer_shed_total", "") >= 8, metrics);
        assertTrue(counter(metrics, "h2fs_transport_balancer_reassignments_total", "") >= 1, metrics);
        assertTrue(counter(metrics, "h2fs_transport_connections_accepted_total", "worker=\"0\"") >= 1, metrics);
        assertTrue(counter(metrics, "h2fs_transport_connections_accepted_total", "worker=\"1\"") >= 1, metrics);
        assertTrue(metrics.contains("h2fs_transport_queue_depth{worker=\"0\"}"), metrics);
        assertTrue(metrics.contains("h2fs_transport_streams_active{worker=\"1\"}"), metrics);
        assertTrue(metrics.contains("h2fs_transport_accept_errors_total"), metrics);
        assertTrue(counter(metrics, "http_server_requests_seconds_count", "uri=\"/thread/non-blocking\"") >= served,
                metrics);
    }

    /** Blocks each worker's loop until the returned latch opens, as a long request would. */
    private static CountDownLatch hold(List<Worker> workers) throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch held = new CountDownLatch(workers.size());
        for (Worker worker : workers) {
            worker.eventLoop().execute(() -> {
                held.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        held.await();
        return release;
    }

    private static List<Socket> connect(int port, int count) throws Exception {
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            sockets.add(RawHttp.connect(port));
        }
        return sockets;
    }

    private static void awaitEmpty(Worker worker) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (worker.queue().size() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertEquals(0, worker.queue().size(), "worker " + worker.id() + " drains its queue");
    }

    /**
     * Waits until the acceptor has placed or shed {@code total} connections since start. The count can dip for a
     * moment (a worker has taken a connection off its queue and not yet counted it), so the highest one seen is what
     * is compared: a second reading for the assertion failed the test once in a dip.
     */
    private static void awaitDispatched(TransportServer server, long total) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        long seen = dispatched(server);
        while (seen < total && System.nanoTime() < deadline) {
            Thread.sleep(10);
            seen = Math.max(seen, dispatched(server));
        }
        assertTrue(seen >= total, "dispatched " + seen + " of " + total);
    }

    private static long dispatched(TransportServer server) {
        // Queued connections are not yet counted by their (busy) worker, so count queue contents too.
        long placed = server.workers().stream().mapToLong(w -> w.acceptedConnections() + w.queue().size()).sum();
        return placed + server.shed();
    }

    private static int serve(List<Socket> sockets) {
        int served = 0;
        for (Socket socket : sockets) {
            String response = RawHttp.get(socket, "/thread/non-blocking");
            if (response != null) {
                assertTrue(response.startsWith("HTTP/1.1 200"), response);
                served++;
            }
        }
        return served;
    }

    private static double counter(String prometheus, String name, String label) {
        Matcher m = Pattern.compile("(?m)^" + name + "(?:\\{([^}]*)\\})? (\\S+)$").matcher(prometheus);
        double sum = 0;
        boolean found = false;
        while (m.find()) {
            String labels = m.group(1) == null ? "" : m.group(1);
            if (labels.contains(label)) {
                sum += Double.parseDouble(m.group(2));
                found = true;
            }
        }
        return found ? sum : -1;
    }
}

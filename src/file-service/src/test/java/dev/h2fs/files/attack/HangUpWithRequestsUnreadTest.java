package dev.h2fs.files.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

import dev.h2fs.transport.loop.Worker;
import dev.h2fs.transport.quarkus.TransportLifecycle;

/**
 * A client sends a hundred requests and hangs up before the server has read them (what a load generator does when its
 * run ends, a thousand connections at a time): the requests are dropped unread, not served to nobody. Served, they kept
 * one worker busy for seconds after {@code h2load -c1000 -m100} stopped, health checks unanswered.
 * <p>
 * To have the requests and the FIN waiting together in the receive buffer, as they do behind a busy loop, the test
 * holds every worker loop while the client writes and hangs up.
 */
@QuarkusTest
class HangUpWithRequestsUnreadTest {

    private static final String FILE_REQUESTS = "http_server_requests_seconds_count{";

    @TestHTTPResource("/")
    URL base;

    @Inject
    TransportLifecycle transport;

    @Test
    void requestsOfAClientThatHungUpAreDroppedNotServed() throws Exception {
        try (WellBehavedClient bystander = new WellBehavedClient(base);
                RawH2 client = new RawH2(base.getHost(), base.getPort())) {
            String path = bystander.path();
            bystander.assertServed();
            client.preface().get(1, path, true).flush();
            assertEquals(200, RawH2.status(client.readUntil(f -> f.type() == RawH2.HEADERS, 5_000)));
            long servedBefore = fileRequestsServed();
            long abandonedBefore = abandoned();

            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch held = holdEveryLoop(release);
            assertTrue(held.await(5, TimeUnit.SECONDS), "worker loops held");
            try {
                for (int i = 0; i < 100; i++) {
                    client.get(3 + 2 * i, path, true);
                }
                client.hangUp();
                Thread.sleep(100); // the FIN reaches the server's socket behind the requests
            } finally {
                release.countDown();
            }

            assertTrue(client.isClosedByServer(), "the server closed the connection");
            assertEquals(servedBefore, fileRequestsServed(), "requests served after the client hung up");
            assertEquals(abandonedBefore + 1, abandoned(), "the connection is counted as abandoned");
            bystander.assertServed();
        }
    }

    private CountDownLatch holdEveryLoop(CountDownLatch release) {
        CountDownLatch held = new CountDownLatch(transport.server().workers().size());
        for (Worker worker : transport.server().workers()) {
            worker.eventLoop().execute(() -> {
                held.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        return held;
    }

    private long abandoned() {
        return transport.server().workers().stream().mapToLong(w -> w.streamBudget().abandonedConnections()).sum();
    }

    /** Requests for {@code /files/{name}} the HTTP metrics have recorded, whatever their status. */
    private static long fileRequestsServed() {
        String metrics = RestAssured.get("/q/metrics").then().statusCode(200).extract().asString();
        long sum = 0;
        for (String line : metrics.split("\n")) {
            if (line.startsWith(FILE_REQUESTS) && line.contains("uri=\"/files/{name}\"")) {
                sum += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        assertNotNull(metrics);
        return sum;
    }
}

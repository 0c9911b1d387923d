package dev.h2fs.files.attack;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;

/**
 * Attack: an HTTP/1.1 client pipelines requests for a 100 KB file as fast as it can and never reads the answers.
 * Each request is small and each answer large; if the server went on serving what it reads, every request would add
 * its answer to the connection's outbound buffer. The fast path serves a connection's next request only while the
 * answers already written fit under the channel's high-water mark, stops reading past a bounded number of waiting
 * requests, and the write-stall guard (2 s here) then closes the connection. A bystander is served throughout.
 * {@link PipelineFloodVertxPathTest} runs it with the fast path off.
 */
@QuarkusTest
@TestProfile(AttackProfile.class)
class PipelineFloodTest {

    @TestHTTPResource("/")
    URL base;

    @Test
    void aClientThatPipelinesWithoutReadingGetsOnlyWhatFitsTheBuffers() throws Exception {
        try (WellBehavedClient bystander = new WellBehavedClient(base)) {
            String path = bystander.path();
            bystander.assertServed();
            double before = filesServed();
            byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            byte[] batch = new byte[request.length * 100];
            for (int i = 0; i < 100; i++) {
                System.arraycopy(request, 0, batch, i * request.length, request.length);
            }
            AtomicLong sent = new AtomicLong();
            try (Socket attacker = new Socket()) {
                attacker.setReceiveBufferSize(16 * 1024);
                attacker.connect(new InetSocketAddress(base.getHost(), base.getPort()), 2_000);
                Thread flood = new Thread(() -> {
                    try {
                        OutputStream out = attacker.getOutputStream();
                        long end = System.nanoTime() + 4_000_000_000L;
                        while (System.nanoTime() < end) {
                            out.write(batch);
                            sent.addAndGet(batch.length);
                        }
                    } catch (IOException closedByTheServer) {
                        // the write-stall guard's close, or ours
                    }
                }, "pipeline-flood");
                flood.setDaemon(true);
                flood.start();
                Thread.sleep(1_000);
                bystander.assertServed();
                flood.join(6_000);
            }
            // the bystander's two requests count too
            long served = (long) (filesServed() - before) - 2;
            long requestsSent = sent.get() / request.length;
            assertTrue(served < 2_000, "served " + served + " of the " + requestsSent
                    + " pipelined requests of a client that read none of the answers: they piled up");
            bystander.assertServed();
        }
    }

    /** @return file downloads answered so far ({@code http.server.requests}, either path) */
    private static double filesServed() {
        String metrics = RestAssured.given().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines()
                .filter(line -> line.startsWith("http_server_requests_seconds_count{")
                        && line.contains("uri=\"/files/{name}\"") && line.contains("status=\"200\""))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }
}

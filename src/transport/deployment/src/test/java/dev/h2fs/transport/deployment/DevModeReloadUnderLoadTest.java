package dev.h2fs.transport.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusDevModeTest;

/**
 * Live reload under traffic: while one client keeps several requests in flight on an open h2c connection and another
 * opens a new connection per request, the resource is edited. No request fails, the new code answers after the reload,
 * and no new connection is refused: the listening socket outlives the reload.
 * <p>
 * Quarkus closes every connection but the one whose request triggered the reload, so that none keeps the old
 * application alive; the HTTP/2 connection is therefore replaced, and it is the two-phase GOAWAY
 * ({@code GracefulGoAway}) that keeps its requests in flight from failing (with one GOAWAY: one failed request in
 * each run).
 */
class DevModeReloadUnderLoadTest {

    private static final int PORT = DevModeSession.freePort();

    @RegisterExtension
    static final QuarkusDevModeTest TEST = DevModeSession.on(PORT, "h2fs.transport.threads=2");

    @Test
    void anEditReloadsWithoutFailingARequestOrClosingTheListener() throws Exception {
        DevModeSession.awaitBody(PORT, "/dev/version", "version-0");
        List<String> failures = new CopyOnWriteArrayList<>();
        List<String> h2Bodies = new CopyOnWriteArrayList<>();
        List<String> http1Bodies = new CopyOnWriteArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger sent = new AtomicInteger();
        try (H2cClient h2 = H2cClient.priorKnowledge(PORT)) {
            Thread multiplexed = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        // Several streams in flight at once on the one connection.
                        List<CompletableFuture<H2cClient.Answer>> batch = List.of(h2.send("/dev/version"),
                                h2.send("/dev/version"), h2.send("/dev/version"));
                        sent.addAndGet(batch.size());
                        for (CompletableFuture<H2cClient.Answer> answer : batch) {
                            H2cClient.Answer done = answer.get(60, TimeUnit.SECONDS);
                            if (done.status() != 200) {
                                failures.add("h2c: status " + done.status() + " " + done.body());
                            }
                            h2Bodies.add(done.body());
                        }
                    } catch (Exception e) {
                        failures.add("h2c: " + e);
                    }
                }
            }, "dev-test-h2c");
            Thread newConnections = new Thread(() -> {
                while (!stop.get()) {
                    sent.incrementAndGet();
                    try {
                        String response = RawHttp.get(RawHttp.connect(PORT), "/dev/version");
                        if (response == null || !response.startsWith("HTTP/1.1 200")) {
                            failures.add("http/1.1: " + response);
                        } else {
                            http1Bodies.add(response.substring(response.indexOf("\r\n\r\n") + 4));
                        }
                    } catch (IOException refused) {
                        failures.add("http/1.1 connect: " + refused);
                    }
                }
            }, "dev-test-http1");
            multiplexed.start();
            newConnections.start();
            try {
                Thread.sleep(500);
                TEST.modifySourceFile(DevModeResource.class, source -> source.replace("version-0", "version-1"));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!(h2Bodies.contains("version-1") && http1Bodies.contains("version-1"))
                        && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                Thread.sleep(500); // and some more traffic on the new code
            } finally {
                stop.set(true);
                multiplexed.join(70_000);
                newConnections.join(70_000);
            }
            assertEquals(List.of(), failures, "failed requests out of " + sent.get());
            assertTrue(h2Bodies.contains("version-0") && h2Bodies.contains("version-1"), "h2c saw " + h2Bodies);
            assertTrue(http1Bodies.contains("version-0") && http1Bodies.contains("version-1"),
                    "http/1.1 saw " + http1Bodies);
            assertEquals("version-1", h2Bodies.get(h2Bodies.size() - 1));
        }
    }
}

package dev.h2fs.files.packaged;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;

import dev.h2fs.files.TestFiles;

/**
 * SIGTERM with requests in flight, on the packaged service: readiness goes DOWN first, then the listener closes
 * (new connections are refused), HTTP/2 connections get GOAWAY, and the uploads in flight (one over HTTP/1.1, one
 * over HTTP/2) still complete and are stored before the process exits.
 */
class GracefulShutdownIT {

    @TempDir
    Path store;

    @Test
    void inFlightUploadsCompleteAndNewConnectionsAreRefusedAfterSigterm() throws Exception {
        try (ServiceProcess service = ServiceProcess.start(Map.of("FILES_DIR", store.toString(), "THREADS", "2"),
                "-Dh2fs.transport.shutdown-delay=2s", "-Dh2fs.transport.drain-timeout=20s")) {
            int port = service.awaitPort();
            Vertx vertx = Vertx.vertx();
            try {
                HttpClient h2 = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
                        .setHttp2ClearTextUpgrade(false));
                AtomicBoolean goAway = new AtomicBoolean();
                byte[] h2Content = TestFiles.bytes(400_000, 41);
                TestFiles.Multipart h2Body = new TestFiles.Multipart("drainh2").file("file", "h2.bin", h2Content);
                byte[] h2Bytes = h2Body.close();
                HttpClientRequest h2Upload = h2.request(new RequestOptions().setMethod(HttpMethod.POST)
                        .setHost("localhost").setPort(port).setURI("/files")
                        .putHeader("Content-Type", h2Body.contentType()))
                        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
                h2Upload.connection().goAwayHandler(g -> goAway.set(true));
                h2Upload.setChunked(true);
                CompletableFuture<Integer> h2Status = h2Upload.response().map(r -> r.statusCode())
                        .toCompletionStage().toCompletableFuture();
                h2Upload.write(Buffer.buffer(h2Bytes).slice(0, h2Bytes.length / 2));

                byte[] h1Content = TestFiles.bytes(300_000, 42);
                TestFiles.Multipart h1Body = new TestFiles.Multipart("drainh1").file("file", "h1.bin", h1Content);
                byte[] h1Bytes = h1Body.close();
                try (Socket h1 = new Socket("localhost", port)) {
                    h1.setSoTimeout(30_000);
                    OutputStream out = h1.getOutputStream();
                    out.write(("POST /files HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + h1Bytes.length
                            + "\r\nContent-Type: " + h1Body.contentType() + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.write(h1Bytes, 0, h1Bytes.length / 2);
                    out.flush();
                    Thread.sleep(300); // both uploads are now in the server's hands

                    service.terminate();

                    // Shutdown delay: readiness DOWN while the listener still accepts.
                    assertEquals(503, readinessStatus(port));
                    // Then the listener closes: new connections are refused.
                    assertRefusedWithin(port, 5_000);

                    // The uploads in flight finish.
                    out.write(h1Bytes, h1Bytes.length / 2, h1Bytes.length - h1Bytes.length / 2);
                    out.flush();
                    h2Upload.end(Buffer.buffer(h2Bytes).slice(h2Bytes.length / 2, h2Bytes.length));
                    assertTrue(TestFiles.readLine(h1.getInputStream()).startsWith("HTTP/1.1 201"));
                }
                assertEquals(201, h2Status.get(20, TimeUnit.SECONDS));
                assertTrue(goAway.get(), "the HTTP/2 connection should have received GOAWAY");
                assertExitedOnSigterm(service.awaitExit(30), service);
                assertArrayEquals(h1Content, Files.readAllBytes(store.resolve("h1.bin")));
                assertArrayEquals(h2Content, Files.readAllBytes(store.resolve("h2.bin")));
            } finally {
                vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void idleServiceStopsPromptlyOnSigterm() throws Exception {
        try (ServiceProcess service = ServiceProcess.start(Map.of("FILES_DIR", store.toString()))) {
            int port = service.awaitPort();
            try (Socket idleKeepAlive = new Socket("localhost", port)) {
                long start = System.nanoTime();
                service.terminate();
                assertExitedOnSigterm(service.awaitExit(20), service);
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertTrue(millis < 10_000, "an idle service took " + millis + " ms to stop");
            }
        }
    }

    /** The JVM reports a SIGTERM-initiated exit as 143 (128 + 15); a clean return as 0. Anything else is a crash. */
    private static void assertExitedOnSigterm(int code, ServiceProcess service) {
        assertTrue(code == 0 || code == 143, "exit code " + code + "\n" + service.output());
    }

    private static int readinessStatus(int port) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create("http://localhost:" + port + "/q/health/ready").toURL()
                .openConnection();
        c.setConnectTimeout(2000);
        c.setReadTimeout(5000);
        try {
            return c.getResponseCode();
        } finally {
            c.disconnect();
        }
    }

    private static void assertRefusedWithin(int port, long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < deadline) {
            try (Socket s = new Socket("localhost", port)) {
                Thread.sleep(50);
            } catch (ConnectException refused) {
                return;
            } catch (IOException other) {
                Thread.sleep(50);
            }
        }
        assertThrows(ConnectException.class, () -> new Socket("localhost", port).close());
    }
}

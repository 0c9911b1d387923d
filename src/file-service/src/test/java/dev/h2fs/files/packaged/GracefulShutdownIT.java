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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;

import dev.h2fs.files.TestFiles;
import dev.h2fs.files.VertxExchange;
import dev.h2fs.files.tls.TestTls;

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
                "-Dquarkus.shutdown.delay=2s", "-Dh2fs.transport.drain-timeout=20s")) {
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

    @Test
    void sigtermUnderMultiplexedLoadFailsNoRequestTheClientSentOverH2c() throws Exception {
        sigtermUnderMultiplexedLoad(Map.of("FILES_DIR", store.toString(), "THREADS", "2"), new HttpClientOptions());
    }

    @Test
    void sigtermUnderMultiplexedLoadFailsNoRequestTheClientSentOverTls() throws Exception {
        sigtermUnderMultiplexedLoad(Map.of("FILES_DIR", store.toString(), "THREADS", "2", "RUN_MODE", "h2", "TLS_KEY",
                TestTls.KEY.toString(), "TLS_CERT", TestTls.CERT.toString()),
                new HttpClientOptions().setSsl(true).setUseAlpn(true)
                        .setTrustOptions(new PemTrustOptions().addCertPath(TestTls.CERT.toString()))
                        .setVerifyHost(false));
    }

    /**
     * What a rolling update does to a busy client: 20 connections keep 10 GETs each in flight (h2load {@code -c20
     * -m10}) while the service gets SIGTERM. Every request the client sent completes: the two-phase GOAWAY lets the
     * streams sent in the same round trip through. Requests the client starts afterwards open new connections, which
     * are refused once the listener has closed: those were never sent, and are not counted.
     */
    private void sigtermUnderMultiplexedLoad(Map<String, String> env, HttpClientOptions options) throws Exception {
        byte[] content = TestFiles.bytes(4096, 43);
        try (ServiceProcess service = ServiceProcess.start(env, "-Dquarkus.shutdown.delay=1s",
                "-Dh2fs.transport.drain-timeout=20s")) {
            int port = service.awaitPort();
            Vertx vertx = Vertx.vertx();
            try {
                HttpClient client = vertx.httpClientBuilder()
                        .with(options.setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false)
                                .setHttp2MultiplexingLimit(10).setDefaultHost("localhost").setDefaultPort(port))
                        .with(new PoolOptions().setHttp2MaxSize(20))
                        .withConnectHandler(connection -> connection.goAwayHandler(g -> goAways.incrementAndGet()))
                        .build();
                TestFiles.Multipart body = new TestFiles.Multipart("load").file("file", "load.bin", content);
                byte[] bytes = body.close();
                assertEquals(201, VertxExchange.start(vertx, () -> client.request(HttpMethod.POST, "/files")
                        .compose(r -> r.putHeader("Content-Type", body.contentType()).send(Buffer.buffer(bytes)))
                        .map(r -> r.statusCode())).get(10, TimeUnit.SECONDS));

                for (int lane = 0; lane < 200; lane++) {
                    vertx.runOnContext(v -> nextGet(client, content));
                }
                Thread.sleep(1_000);
                long before = completed.get();
                service.terminate();
                assertExitedOnSigterm(service.awaitExit(30), service);
                stopping.set(true);
                Thread.sleep(500); // the last callbacks settle

                assertEquals(List.of(), sentAndFailed, "requests the client had sent that failed");
                assertTrue(completed.get() > before, "no GET completed after SIGTERM");
                assertTrue(goAways.get() > 0, "no connection ended with GOAWAY");
            } finally {
                vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
        }
    }

    private final AtomicBoolean stopping = new AtomicBoolean();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong goAways = new AtomicLong();
    private final List<String> sentAndFailed = new CopyOnWriteArrayList<>();

    /** One lane of the load: a GET, then the next once it has completed, until a request cannot even be sent. */
    private void nextGet(HttpClient client, byte[] content) {
        if (stopping.get()) {
            return;
        }
        client.request(HttpMethod.GET, "/files/load.bin").onComplete(obtained -> {
            if (obtained.failed()) {
                return; // no stream: the connection could not be made (listener closed) or was going away
            }
            obtained.result().send().compose(r -> r.body().map(b -> {
                if (r.statusCode() != 200 || !java.util.Arrays.equals(content, b.getBytes())) {
                    throw new IllegalStateException("status " + r.statusCode() + ", " + b.length() + " bytes");
                }
                return b;
            })).onComplete(done -> {
                if (done.succeeded()) {
                    completed.incrementAndGet();
                    nextGet(client, content);
                } else {
                    sentAndFailed.add(String.valueOf(done.cause()));
                }
            });
        });
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

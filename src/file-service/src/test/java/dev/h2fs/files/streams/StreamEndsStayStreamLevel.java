package dev.h2fs.files.streams;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.StreamResetException;

import dev.h2fs.files.TestFiles;
import dev.h2fs.files.VertxExchange;
import dev.h2fs.files.store.FileStore;

/**
 * Stream-level endings stay stream-level on HTTP/2 (RFC 9113 section 5.4.2): a client that resets one upload or one
 * download, or an upload the server refuses while its body still arrives, ends that stream only. The other streams on
 * the connection complete and the connection serves later requests; nothing of a reset upload is left on disk. Run
 * over h2c and TLS by the subclasses, each with one multiplexed connection.
 */
abstract class StreamEndsStayStreamLevel {

    private static final long CANCEL = 0x8;

    @Inject
    FileStore store;

    private Vertx vertx;
    private HttpClient client;
    private final AtomicInteger connections = new AtomicInteger();

    /** @return where the server listens */
    abstract URL base();

    /** @return options of a client speaking HTTP/2 to {@link #base()} over one connection */
    abstract HttpClientOptions http2Options();

    @BeforeEach
    void client() {
        vertx = Vertx.vertx();
        client = vertx.httpClientBuilder().with(http2Options().setHttp2MultiplexingLimit(100))
                .withConnectHandler(connection -> connections.incrementAndGet()).build();
    }

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private RequestOptions request(HttpMethod method, String uri) {
        return new RequestOptions().setMethod(method).setHost(base().getHost()).setPort(base().getPort()).setURI(uri);
    }

    private HttpClientRequest open(RequestOptions options) throws Exception {
        return VertxExchange.start(vertx, () -> client.request(options)).get(10, TimeUnit.SECONDS);
    }

    private Buffer get(String uri, int expectedStatus) throws Exception {
        return VertxExchange.start(vertx, () -> client.request(request(HttpMethod.GET, uri)).compose(r -> r.send())
                .compose(r -> {
                    assertEquals(expectedStatus, r.statusCode(), uri);
                    return r.body();
                })).get(30, TimeUnit.SECONDS);
    }

    @Test
    void aResetUploadEndsOnlyItsStream() throws Exception {
        String kept = TestFiles.name("kept");
        String dropped = TestFiles.name("dropped");
        byte[] keptContent = TestFiles.bytes(600_000, 51);
        TestFiles.Multipart keptBody = new TestFiles.Multipart("keep").file("file", kept, keptContent);
        byte[] keptBytes = keptBody.close();
        byte[] droppedBytes = new TestFiles.Multipart("drop").file("file", dropped, TestFiles.bytes(600_000, 52))
                .close();

        HttpClientRequest keptUpload = open(request(HttpMethod.POST, "/files").putHeader("Content-Type",
                keptBody.contentType()));
        HttpClientRequest droppedUpload = open(request(HttpMethod.POST, "/files").putHeader("Content-Type",
                "multipart/form-data; boundary=drop"));
        CompletableFuture<Integer> keptStatus = VertxExchange.start(vertx, () -> {
            keptUpload.setChunked(true);
            droppedUpload.setChunked(true);
            Future<Integer> status = keptUpload.response().map(r -> r.statusCode());
            keptUpload.write(Buffer.buffer(keptBytes).slice(0, keptBytes.length / 2));
            droppedUpload.write(Buffer.buffer(droppedBytes).slice(0, droppedBytes.length / 2));
            return status;
        });
        Thread.sleep(300); // both bodies are half in the server's hands
        resetOnContext(droppedUpload);
        Thread.sleep(300);
        VertxExchange.start(vertx, () -> keptUpload.end(Buffer.buffer(keptBytes).slice(keptBytes.length / 2,
                keptBytes.length))).get(10, TimeUnit.SECONDS);

        assertEquals(201, keptStatus.get(30, TimeUnit.SECONDS));
        assertArrayEquals(keptContent, get("/files/" + kept, 200).getBytes());
        get("/files/" + dropped, 404);
        assertEquals(1, connections.get(), "the connection was closed and opened again");
        assertNoUploadLeftovers(dropped);
    }

    @Test
    void aResetDownloadEndsOnlyItsStream() throws Exception {
        String name = TestFiles.name("download");
        byte[] content = TestFiles.bytes(2_000_000, 53);
        TestFiles.upload(name, content).then().statusCode(201);
        for (int round = 0; round < 3; round++) {
            CompletableFuture<Void> firstChunk = new CompletableFuture<>();
            HttpClientRequest download = open(request(HttpMethod.GET, "/files/" + name));
            VertxExchange.start(vertx, () -> download.send().map(response -> {
                response.handler(chunk -> firstChunk.complete(null));
                return null;
            })).get(10, TimeUnit.SECONDS);
            firstChunk.get(10, TimeUnit.SECONDS);
            resetOnContext(download);
            assertArrayEquals(content, get("/files/" + name, 200).getBytes(), "round " + round);
        }
        assertEquals(1, connections.get(), "the connection was closed and opened again");
    }

    @Test
    void anUploadRefusedWhileItsBodyArrivesEndsOnlyItsStream() throws Exception {
        String name = TestFiles.name("refused");
        // A declared length over h2fs.files.max-upload-size is refused before the body is read.
        HttpClientRequest upload = open(request(HttpMethod.POST, "/files")
                .putHeader("Content-Type", "multipart/form-data; boundary=big")
                .putHeader("Content-Length", String.valueOf(2L * 1024 * 1024 * 1024)));
        CompletableFuture<Long> resetCode = new CompletableFuture<>();
        CompletableFuture<Integer> status = VertxExchange.start(vertx, () -> {
            upload.exceptionHandler(e -> {
                if (e instanceof StreamResetException reset) {
                    resetCode.complete(reset.getCode());
                }
            });
            Future<Integer> refused = upload.response().map(r -> r.statusCode());
            upload.write(Buffer.buffer(new TestFiles.Multipart("big").file("file", name, TestFiles.bytes(100_000, 54))
                    .unclosed()));
            return refused;
        });
        assertEquals(413, status.get(30, TimeUnit.SECONDS));
        // The rest of the body is not wanted: RST_STREAM(NO_ERROR) after the complete response (RFC 9113 8.1).
        assertEquals(0L, resetCode.get(10, TimeUnit.SECONDS));
        get("/files", 200);
        assertEquals(1, connections.get(), "the connection was closed and opened again");
        assertNoUploadLeftovers(name);
    }

    private void resetOnContext(HttpClientRequest request) throws Exception {
        VertxExchange.start(vertx, () -> {
            request.reset(CANCEL);
            return Future.succeededFuture();
        }).get(10, TimeUnit.SECONDS);
    }

    private void assertNoUploadLeftovers(String name) throws IOException {
        assertFalse(Files.exists(store.root().resolve(name)), name + " was stored");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        List<Path> temps;
        do {
            try (Stream<Path> files = Files.list(store.root())) {
                temps = files.filter(p -> p.getFileName().toString().startsWith(".~upload-")).toList();
            }
        } while (!temps.isEmpty() && System.nanoTime() < deadline);
        assertTrue(temps.isEmpty(), "temp files left: " + temps);
    }
}

package dev.h2fs.files.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.StreamResetException;

import dev.h2fs.files.TestFiles;

/**
 * Oversized request bodies over HTTP/2 against {@code h2fs.files.max-upload-size} (1 MiB in {@link AttackProfile}):
 * with a declared length and streamed without one, the upload is refused (413, or the stream reset once the answer
 * is out) and its temp file removed. The HTTP/1.1 cases are in {@code BadUploadTest}.
 * <p>
 * Heap (measured): ~0 MiB retained: the body streams to a temp file, never to the heap.
 */
@QuarkusTest
@TestProfile(AttackProfile.class)
class OversizedHttp2BodyTest {

    private static Vertx vertx;
    private static HttpClient client;

    @TestHTTPResource("/")
    URL base;

    @ConfigProperty(name = "h2fs.files.dir")
    Path storeDir;

    @BeforeAll
    static void startClient() {
        vertx = Vertx.vertx();
        client = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false));
    }

    @AfterAll
    static void stopClient() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void declaredOversizedBodyOverHttp2Gets413AndLeavesNoTempFile() throws Exception {
        TestFiles.Multipart body = new TestFiles.Multipart("big").file("file", TestFiles.name("big"),
                TestFiles.bytes(2 << 20, 1));
        int status = upload(body.close(), body.contentType(), true);
        assertEquals(413, status);
        waitForNoTempFiles();
    }

    @Test
    void streamedOversizedBodyOverHttp2Gets413OrResetAndLeavesNoTempFile() throws Exception {
        TestFiles.Multipart body = new TestFiles.Multipart("big").file("file", TestFiles.name("big"),
                TestFiles.bytes(2 << 20, 2));
        byte[] bytes = body.close();
        upload(new TestFiles.Multipart("warm").file("file", TestFiles.name("warm"), new byte[10]).close(),
                "multipart/form-data; boundary=warm", false); // warm-up: the client's and the route's first use
        HeapProbe heap = new HeapProbe("oversized h2 upload, 2 MiB streamed (the test holds 4 MiB of it)");
        int status = upload(bytes, body.contentType(), false);
        assertTrue(status == 413 || status == -1, "status " + status);
        waitForNoTempFiles();
        long after = heap.sample("after");
        assertTrue(after < HeapProbe.BOUND, "heap grew by " + after);
    }

    /** @return the status, or -1 when the server reset the stream before answering */
    private int upload(byte[] bytes, String contentType, boolean declareLength) throws Exception {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost(base.getHost())
                .setPort(base.getPort()).setURI("/files").putHeader("Content-Type", contentType);
        Future<Integer> status = client.request(options).compose(req -> {
            if (declareLength) {
                return req.send(Buffer.buffer(bytes)).map(r -> r.statusCode());
            }
            return streamInChunks(req, bytes);
        });
        try {
            return status.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StreamResetException) {
                return -1;
            }
            throw e;
        }
    }

    private static Future<Integer> streamInChunks(HttpClientRequest req, byte[] bytes) {
        req.setChunked(true);
        Future<Integer> status = req.response().map(r -> r.statusCode());
        for (int off = 0; off < bytes.length; off += 65_536) {
            req.write(Buffer.buffer().appendBytes(bytes, off, Math.min(65_536, bytes.length - off)));
        }
        req.end();
        return status;
    }

    private List<Path> tempFiles() {
        try (Stream<Path> s = Files.list(storeDir)) {
            return s.filter(p -> p.getFileName().toString().contains("~")).toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private void waitForNoTempFiles() throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!tempFiles().isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(List.of(), tempFiles());
    }
}

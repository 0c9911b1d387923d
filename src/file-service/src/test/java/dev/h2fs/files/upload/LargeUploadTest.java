package dev.h2fs.files.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

import dev.h2fs.files.TestFiles;
import dev.h2fs.files.VertxExchange;
import dev.h2fs.files.store.FileStore;

/**
 * A 300 MiB upload over a real socket on each protocol, through the transport: the body is generated as it is sent
 * (never held in the heap), the answer's SHA-256 and size must be the generator's, and so must the stored file's. It
 * proves the overlapped path (body queue, run hand-off, writer thread) keeps every byte in order at size, and, over
 * h2c, that flow control on one long stream neither stalls it nor loses bytes.
 */
@QuarkusTest
class LargeUploadTest {

    private static final long SIZE = 300L << 20;
    private static final int BLOCK = 64 * 1024;
    private static final String BOUNDARY = "large-upload-boundary";

    private static Vertx vertx;

    @TestHTTPResource("/")
    URL base;

    @Inject
    FileStore store;

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopVertx() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void http11UploadOf300MiBIsStoredWithItsSha256() throws Exception {
        uploadAndCheck(HttpVersion.HTTP_1_1, 31);
    }

    @Test
    void h2cUploadOf300MiBIsStoredWithItsSha256() throws Exception {
        uploadAndCheck(HttpVersion.HTTP_2, 32);
    }

    private void uploadAndCheck(HttpVersion version, long seed) throws Exception {
        String name = TestFiles.name("large-" + (version == HttpVersion.HTTP_2 ? "h2c" : "http11"));
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(version)
                .setHttp2ClearTextUpgrade(false));
        Generated body = new Generated(name, seed);
        JsonObject answer;
        try {
            RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost(base.getHost())
                    .setPort(base.getPort()).setURI("/files")
                    .putHeader("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                    .putHeader("Content-Length", String.valueOf(body.length()));
            Reply reply = VertxExchange.start(vertx, () -> client.request(options).compose(request -> {
                Promise<Void> sent = Promise.promise();
                body.pump(request, sent);
                return sent.future().compose(v -> request.response()).compose(response -> response.body()
                        .map(b -> new Reply(response.statusCode(), response.version(), b)));
            })).get(300, TimeUnit.SECONDS);
            assertEquals(version, reply.version());
            assertEquals(201, reply.status(), reply.body().toString());
            answer = reply.body().toJsonObject().getJsonArray("files").getJsonObject(0);
        } finally {
            client.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        String expected = body.sha256();
        assertEquals(name, answer.getString("name"));
        assertEquals(SIZE, answer.getLong("size"));
        assertEquals(expected, answer.getString("sha256"));
        Path stored = store.root().resolve(name);
        assertEquals(SIZE, Files.size(stored));
        assertEquals(expected, sha256(stored));
        try (DirectoryStream<Path> temps = Files.newDirectoryStream(store.root(), ".~upload-*")) {
            assertTrue(!temps.iterator().hasNext(), "no temp file may be left after the upload");
        }
        Files.delete(stored);
    }

    private record Reply(int status, HttpVersion version, Buffer body) {
    }

    /**
     * The multipart body: a head, {@link #SIZE} pseudo-random bytes made block by block as the request can take them,
     * and the closing delimiter. Hashes the file bytes as it makes them. Runs on the client's context.
     */
    private static final class Generated {
        private final byte[] head;
        private final byte[] tail = ("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        private final SplittableRandom random;
        private final MessageDigest digest = newSha256();
        private long sent;

        Generated(String name, long seed) {
            this.head = ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name
                    + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            this.random = new SplittableRandom(seed);
        }

        long length() {
            return head.length + SIZE + tail.length;
        }

        /** Writes while the request's queue has room, then again when it drains; completes {@code sent} at the end. */
        void pump(HttpClientRequest request, Promise<Void> sent) {
            if (this.sent == 0) {
                request.write(Buffer.buffer(head));
            }
            while (!request.writeQueueFull()) {
                if (this.sent == SIZE) {
                    request.end(Buffer.buffer(tail)).onComplete(sent);
                    return;
                }
                byte[] block = new byte[(int) Math.min(BLOCK, SIZE - this.sent)];
                random.nextBytes(block);
                digest.update(block);
                this.sent += block.length;
                request.write(Buffer.buffer(block));
            }
            request.drainHandler(v -> pump(request, sent));
        }

        String sha256() {
            return HexFormat.of().formatHex(digest.digest());
        }
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest digest = newSha256();
        byte[] buffer = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

package dev.h2fs.files.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;

import dev.h2fs.files.TestFiles;
import dev.h2fs.files.VertxExchange;

/** The file API over cleartext HTTP/2 with prior knowledge (no Upgrade), as h2load and nghttp speak it. */
@QuarkusTest
class Http2PriorKnowledgeTest {

    private static Vertx vertx;
    private static HttpClient client;

    @TestHTTPResource("/")
    URL base;

    @BeforeAll
    static void startClient() {
        vertx = Vertx.vertx();
        client = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false).setHttp2MultiplexingLimit(100));
    }

    @AfterAll
    static void stopClient() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    record Reply(int status, HttpVersion version, String header, Buffer body) {
    }

    private Reply send(HttpMethod method, String path, String contentType, byte[] body, String header)
            throws Exception {
        RequestOptions options = new RequestOptions().setMethod(method).setHost(base.getHost()).setPort(base.getPort())
                .setURI(path);
        if (contentType != null) {
            options.putHeader("Content-Type", contentType);
        }
        return VertxExchange.start(vertx, () -> client.request(options).compose(req -> {
            Future<HttpClientResponse> response = body == null ? req.send() : req.send(Buffer.buffer(body));
            return response.compose(r -> r.body().map(b -> new Reply(r.statusCode(), r.version(),
                    header == null ? null : r.getHeader(header), b)));
        })).get(30, TimeUnit.SECONDS);
    }

    @Test
    void uploadAndDownloadOverH2c() throws Exception {
        String name = TestFiles.name("h2");
        byte[] content = TestFiles.bytes(300_000, 21);
        TestFiles.Multipart body = new TestFiles.Multipart("h2boundary").file("file", name, content);
        Reply upload = send(HttpMethod.POST, "/files", body.contentType(), body.close(), "Location");
        assertEquals(HttpVersion.HTTP_2, upload.version());
        assertEquals(201, upload.status(), upload.body().toString());
        assertEquals("/files/" + name, upload.header());

        Reply get = send(HttpMethod.GET, "/files/" + name, null, null, "Content-Length");
        assertEquals(HttpVersion.HTTP_2, get.version());
        assertEquals(200, get.status());
        assertEquals(String.valueOf(content.length), get.header());
        assertArrayEquals(content, get.body().getBytes());
    }

    @Test
    void manyConcurrentStreamsOnOneConnectionAllSucceed() throws Exception {
        String name = TestFiles.name("h2-streams");
        byte[] content = TestFiles.bytes(4096, 22);
        TestFiles.upload(name, content).then().statusCode(201);
        List<java.util.concurrent.CompletableFuture<Reply>> replies = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            RequestOptions options = new RequestOptions().setHost(base.getHost()).setPort(base.getPort())
                    .setURI("/files/" + name);
            replies.add(VertxExchange.start(vertx, () -> client.request(options).compose(req -> req.send())
                    .compose(r -> r.body().map(b -> new Reply(r.statusCode(), r.version(), null, b)))));
        }
        for (var f : replies) {
            Reply r = f.get(30, TimeUnit.SECONDS);
            assertEquals(200, r.status());
            assertEquals(HttpVersion.HTTP_2, r.version());
            assertArrayEquals(content, r.body().getBytes());
        }
    }

    @Test
    void badNameOverH2cIs400() throws Exception {
        Reply r = send(HttpMethod.GET, "/files/a%2Fb", null, null, null);
        assertEquals(400, r.status());
        assertTrue(r.body().toString().contains("file name"));
    }
}

package dev.h2fs.files.attack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URL;
import java.util.concurrent.TimeUnit;

import io.restassured.RestAssured;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;

import dev.h2fs.files.TestFiles;

/**
 * The innocent bystander of every attack test: downloads a known file over a fresh h2c connection (Vert.x client,
 * prior knowledge) and over HTTP/1.1 (REST Assured), and asserts both are served in full.
 * <p>
 * Confined to the test thread.
 */
final class WellBehavedClient implements AutoCloseable {

    private final Vertx vertx = Vertx.vertx();
    private final URL base;
    private String name;
    private byte[] content;

    WellBehavedClient(URL base) {
        this.base = base;
    }

    /** @return the path of the bystander's file (100,000 bytes), uploaded on first use */
    String path() {
        if (name == null) {
            name = TestFiles.name("bystander");
            content = TestFiles.bytes(100_000, 7);
            TestFiles.upload(name, content).then().statusCode(201);
        }
        return "/files/" + name;
    }

    /** Asserts a GET over a new HTTP/2 connection and one over HTTP/1.1 both return the whole file. */
    void assertServed() throws Exception {
        path();
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false));
        try {
            Buffer body = client.request(new RequestOptions().setMethod(HttpMethod.GET).setHost(base.getHost())
                    .setPort(base.getPort()).setURI("/files/" + name))
                    .compose(req -> req.send().compose(r -> {
                        assertEquals(HttpVersion.HTTP_2, r.version());
                        assertEquals(200, r.statusCode());
                        return r.body();
                    }))
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertArrayEquals(content, body.getBytes(), "h2 bystander got the wrong bytes");
        } finally {
            client.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        }
        assertArrayEquals(content, RestAssured.given().get("/files/" + name).then().statusCode(200).extract()
                .asByteArray(), "HTTP/1.1 bystander got the wrong bytes");
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}

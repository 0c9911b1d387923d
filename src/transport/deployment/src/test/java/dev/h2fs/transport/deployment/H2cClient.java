package dev.h2fs.transport.deployment;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;

/**
 * A real HTTP client for the tests, on its own Vert.x instance (not the application's): HTTP/2 with prior knowledge,
 * HTTP/2 through the HTTP/1.1 Upgrade, or HTTP/1.1.
 * <p>
 * Thread: the test thread; blocks for each exchange.
 */
final class H2cClient implements AutoCloseable {

    /** A finished exchange. */
    record Answer(int status, HttpVersion version, String body, MultiMap headers) {
        String header(String name) {
            return headers.get(name);
        }
    }

    private final Vertx vertx = Vertx.vertx();
    private final AtomicInteger connections = new AtomicInteger();
    private final HttpClient client;

    private H2cClient(HttpClientOptions options) {
        this.client = vertx.httpClientBuilder().with(options)
                .withConnectHandler(connection -> connections.incrementAndGet())
                .build();
    }

    /** @return connections opened so far (HTTP/2 multiplexes every request over one) */
    int connectionsOpened() {
        return connections.get();
    }

    static H2cClient priorKnowledge(int port) {
        return new H2cClient(base(port).setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
    }

    static H2cClient upgrade(int port) {
        return new H2cClient(base(port).setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(true));
    }

    static H2cClient http1(int port) {
        return new H2cClient(base(port).setProtocolVersion(HttpVersion.HTTP_1_1));
    }

    private static HttpClientOptions base(int port) {
        return new HttpClientOptions().setDefaultHost("localhost").setDefaultPort(port);
    }

    /**
     * The exchange runs on a Vert.x context: started from the test thread, a request on a pooled connection
     * completes at once on that thread, and the response could end before the body handler is set.
     */
    Answer get(String uri) throws Exception {
        return send(uri).get(10, TimeUnit.SECONDS);
    }

    /** As {@link #get}, with request headers as name, value pairs. */
    Answer get(String uri, String... headerPairs) throws Exception {
        return send(uri, headerPairs).get(10, TimeUnit.SECONDS);
    }

    /** As {@link #get}, without waiting for the answer. */
    CompletableFuture<Answer> send(String uri, String... headerPairs) {
        CompletableFuture<Answer> answer = new CompletableFuture<>();
        vertx.getOrCreateContext().runOnContext(v -> client.request(HttpMethod.GET, uri)
                .compose(request -> {
                    for (int i = 0; i < headerPairs.length; i += 2) {
                        request.putHeader(headerPairs[i], headerPairs[i + 1]);
                    }
                    return request.send();
                })
                .compose(response -> response.body().map(body -> answer(response, body)))
                .onComplete(done -> {
                    if (done.succeeded()) {
                        answer.complete(done.result());
                    } else {
                        answer.completeExceptionally(done.cause());
                    }
                }));
        return answer;
    }

    private static Answer answer(HttpClientResponse response, Buffer body) {
        return new Answer(response.statusCode(), response.version(), body.toString(), response.headers());
    }

    @Override
    public void close() throws Exception {
        client.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}

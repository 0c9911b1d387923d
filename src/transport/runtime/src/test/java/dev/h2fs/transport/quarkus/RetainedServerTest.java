package dev.h2fs.transport.quarkus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;

import dev.h2fs.transport.TransportMode;
import dev.h2fs.transport.TransportServer;
import dev.h2fs.transport.vertx.VertxBridge;

/**
 * What dev mode relies on, without a dev-mode run: a restart with the same binding gets the running server back and
 * re-attaches it; the listening socket, the worker thread and an open HTTP/2 connection all survive; new connections
 * meet the new application. A changed binding closes the old server and opens a new one.
 * <p>
 * (A {@code QuarkusDevModeTest} could not run here: {@code io.quarkus:quarkus-devui:3.37.3}, a conditional dev-mode
 * dependency of quarkus-vertx-http, is not on Maven Central.)
 */
class RetainedServerTest {

    private static Vertx vertx;

    @BeforeAll
    static void vertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void sameBindingSurvivesARestartChangedBindingReopens() throws Exception {
        RetainedServer holder = new RetainedServer();
        TransportServer.Key key = new TransportServer.Key("127.0.0.1", 0, 1, TransportMode.ACCEPTOR, 16, 8, 128,
                true);
        RetainedServer.Opener opener = k -> TransportServer.open(k, vertx, Duration.ofMillis(100));
        try {
            TransportServer first = holder.acquire(key, opener);
            first.attach(bridge("v1"), getClass().getClassLoader());
            int port = first.boundAddress().getPort();
            HttpClient kept = client(port);
            String[] before = get(kept).split("\\|");
            assertEquals("v1", before[0]);

            // "Restart": same key, new application.
            TransportServer second = holder.acquire(key, opener);
            assertSame(first, second);
            second.attach(bridge("v2"), getClass().getClassLoader());
            assertEquals(port, second.boundAddress().getPort());

            String[] onKeptConnection = get(kept).split("\\|");
            assertEquals(before[1], onKeptConnection[1], "same worker thread");
            HttpClient fresh = client(port);
            String[] onNewConnection = get(fresh).split("\\|");
            assertEquals("v2", onNewConnection[0], "new connections meet the new application");
            assertEquals(before[1], onNewConnection[1], "same worker thread");
            kept.close();
            fresh.close();

            TransportServer.Key rebound = new TransportServer.Key("127.0.0.1", 0, 2, TransportMode.ACCEPTOR, 16, 8,
                    128, true);
            TransportServer third = holder.acquire(rebound, opener);
            assertNotSame(first, third);
            assertFalse(first.isListening(), "the old server is closed");
            assertTrue(third.isListening());
        } finally {
            holder.close();
        }
    }

    private static VertxBridge bridge(String version) {
        return new VertxBridge(vertx, new HttpServerOptions().setHttp2ClearTextEnabled(true),
                request -> request.response().end(version + "|" + Thread.currentThread().getId()));
    }

    private static HttpClient client(int port) {
        return vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false).setDefaultHost("127.0.0.1").setDefaultPort(port));
    }

    /**
     * GET / and return the body, which must be "version|thread"; the message shows anything else in full.
     * The exchange runs on a Vert.x context: started from the test thread, a request on a pooled connection
     * completes at once on that thread, and the response (headers, data, end) can then race past the body
     * handler that the test thread has yet to set, leaving an empty body.
     */
    private static String get(HttpClient client) throws Exception {
        String[] reply = new String[1];
        CompletableFuture<String> result = new CompletableFuture<>();
        vertx.getOrCreateContext().runOnContext(v -> client.request(HttpMethod.GET, "/")
                .compose(request -> request.send())
                .compose(response -> {
                    reply[0] = response.statusCode() + " " + response.headers();
                    return response.body();
                })
                .onComplete(done -> {
                    if (done.succeeded()) {
                        result.complete(done.result().toString());
                    } else {
                        result.completeExceptionally(done.cause());
                    }
                }));
        String body = result.get(10, TimeUnit.SECONDS);
        assertTrue(body.contains("|"), "unexpected response: " + reply[0] + " body '" + body + "'");
        return body;
    }
}

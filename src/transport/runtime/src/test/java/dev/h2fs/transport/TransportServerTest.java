package dev.h2fs.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.metrics.MetricsOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.metrics.HttpServerMetrics;
import io.vertx.core.spi.metrics.VertxMetrics;
import io.vertx.core.spi.observability.HttpRequest;

import dev.h2fs.transport.loop.NettyTransport;
import dev.h2fs.transport.loop.Worker;
import dev.h2fs.transport.vertx.VertxBridge;

/**
 * The transport without Quarkus, in each mode and I/O flavour: a plain Vert.x request handler is reached over HTTP/1.1
 * and h2c prior knowledge, on a worker's event-loop context; the bridge's explicitly created HTTP server metrics see
 * every request. This is also the test that fails loudly when a Vert.x upgrade breaks {@link VertxBridge}.
 */
class TransportServerTest {

    private static final AtomicInteger REQUESTS_SEEN_BY_METRICS = new AtomicInteger();
    private static Vertx serverVertx;
    private static Vertx clientVertx;

    @BeforeAll
    static void vertx() {
        // A minimal metrics SPI, standing in for Quarkus Micrometer: counts requests the HTTP server metrics see.
        VertxOptions options = new VertxOptions().setMetricsOptions(new MetricsOptions().setEnabled(true)
                .setFactory(vertxOptions -> new VertxMetrics() {
                    @Override
                    public HttpServerMetrics<?, ?, ?> createHttpServerMetrics(HttpServerOptions o, SocketAddress a) {
                        return new HttpServerMetrics<Object, Object, Object>() {
                            @Override
                            public Object requestBegin(Object socketMetric, HttpRequest request) {
                                REQUESTS_SEEN_BY_METRICS.incrementAndGet();
                                return null;
                            }
                        };
                    }
                }));
        serverVertx = Vertx.vertx(options);
        clientVertx = Vertx.vertx();
    }

    @AfterAll
    static void close() throws Exception {
        serverVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        clientVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @ParameterizedTest(name = "{0}, native={1}")
    @CsvSource({ "ACCEPTOR, true", "REUSEPORT, true", "ACCEPTOR, false", "REUSEPORT, false" })
    void servesHttp11AndH2cOnWorkerContexts(TransportMode mode, boolean nativeTransport) throws Exception {
        TransportServer.Key key = new TransportServer.Key("127.0.0.1", 0, 2, mode, 16, 8, 128, nativeTransport);
        TransportServer server = TransportServer.open(key, serverVertx, Duration.ofMillis(100));
        try {
            server.attach(new VertxBridge(serverVertx, new HttpServerOptions().setHttp2ClearTextEnabled(true),
                    request -> answer(server, request)), getClass().getClassLoader());
            assertEquals(nativeTransport ? NettyTransport.EPOLL : NettyTransport.NIO, server.transport());
            assertEquals(nativeTransport ? mode : TransportMode.ACCEPTOR, server.mode(), "reuseport needs epoll");
            assertTrue(server.httpMetricsEnabled());
            int port = server.boundAddress().getPort();
            int before = REQUESTS_SEEN_BY_METRICS.get();

            for (HttpVersion version : new HttpVersion[] { HttpVersion.HTTP_1_1, HttpVersion.HTTP_2 }) {
                HttpClient client = clientVertx.createHttpClient(new HttpClientOptions().setProtocolVersion(version)
                        .setHttp2ClearTextUpgrade(false).setDefaultHost("127.0.0.1").setDefaultPort(port));
                try {
                    String body = client.request(HttpMethod.GET, "/where")
                            .compose(request -> request.send())
                            .compose(response -> {
                                assertEquals(version, response.version());
                                return response.body();
                            })
                            .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).toString();
                    assertEquals("on-worker-context", body, version.toString());
                } finally {
                    client.close();
                }
            }
            assertEquals(2, REQUESTS_SEEN_BY_METRICS.get() - before, "HTTP server metrics must see our requests");
            assertTrue(server.workers().stream().mapToLong(Worker::acceptedConnections).sum() >= 2);
        } finally {
            server.close();
        }
    }

    @ParameterizedTest(name = "{0}, native={1}")
    @CsvSource({ "ACCEPTOR, true", "REUSEPORT, true", "ACCEPTOR, false" })
    void aPortInUseFailsTheStartNamingHostAndPortAndLeavesNoThreadBehind(TransportMode mode, boolean nativeTransport)
            throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            TransportServer.Key key = new TransportServer.Key("127.0.0.1", taken.getLocalPort(), 2, mode, 16, 8, 128,
                    nativeTransport);
            int threadsBefore = transportThreads();
            for (int attempt = 0; attempt < 5; attempt++) {
                UncheckedIOException failed = assertThrows(UncheckedIOException.class,
                        () -> TransportServer.open(key, serverVertx, Duration.ofMillis(100)));
                BindException bind = assertInstanceOf(BindException.class, failed.getCause());
                assertTrue(bind.getMessage().contains("127.0.0.1:" + taken.getLocalPort()), bind.getMessage());
            }
            // A loop completes its termination future just before its thread ends: allow the threads that moment.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (transportThreads() != threadsBefore && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(threadsBefore, transportThreads(), "transport threads left behind by failed starts");
        }
    }

    private static int transportThreads() {
        return (int) Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("h2fs-")).count();
    }

    /** Tells whether the handler runs on a Vert.x event-loop thread, in a context bound to one of our workers. */
    private static void answer(TransportServer server, HttpServerRequest request) {
        Context context = Vertx.currentContext();
        boolean onWorker = Context.isOnEventLoopThread() && context != null
                && server.workers().stream().anyMatch(w -> w.eventLoop().inEventLoop()
                        && VertxBridge.runsOn(context, w.eventLoop()));
        request.response().end(onWorker ? "on-worker-context" : "elsewhere: " + Thread.currentThread());
    }
}

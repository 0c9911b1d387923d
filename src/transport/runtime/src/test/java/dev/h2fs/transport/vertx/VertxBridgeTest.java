package dev.h2fs.transport.vertx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.HttpServerImpl;
import io.vertx.core.impl.VertxThread;
import io.vertx.core.metrics.MetricsOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.metrics.HttpServerMetrics;
import io.vertx.core.spi.metrics.VertxMetrics;

/**
 * Pins down, piece by piece, the Vert.x internals {@link VertxBridge} relies on, so a Vert.x or Quarkus upgrade that
 * breaks one fails here with a precise message (the end-to-end proof over sockets is {@code TransportServerTest}).
 */
class VertxBridgeTest {

    private static final AtomicInteger HTTP_SERVER_METRICS_CREATED = new AtomicInteger();
    private static Vertx vertx;
    private static EventLoopGroup loops;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx(new VertxOptions().setMetricsOptions(new MetricsOptions().setEnabled(true)
                .setFactory(options -> new VertxMetrics() {
                    @Override
                    public HttpServerMetrics<?, ?, ?> createHttpServerMetrics(HttpServerOptions o, SocketAddress a) {
                        HTTP_SERVER_METRICS_CREATED.incrementAndGet();
                        return new HttpServerMetrics<Object, Object, Object>() {
                        };
                    }
                })));
        loops = new NioEventLoopGroup(1, VertxBridge.eventLoopThreadFactory(vertx, "bridge-test-"));
    }

    @AfterAll
    static void stop() throws Exception {
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void loopThreadsAreVertxEventLoopThreads() throws Exception {
        CompletableFuture<Thread> thread = new CompletableFuture<>();
        CompletableFuture<Boolean> onEventLoop = new CompletableFuture<>();
        loops.next().execute(() -> {
            thread.complete(Thread.currentThread());
            onEventLoop.complete(Context.isOnEventLoopThread());
        });
        assertTrue(thread.get(5, TimeUnit.SECONDS) instanceof VertxThread, "VertxThread expected");
        assertTrue(thread.get().isDaemon());
        assertTrue(thread.get().getName().startsWith("bridge-test-"));
        assertTrue(onEventLoop.get(), "Vert.x must see our loop as an event loop (Quarkus non-blocking checks)");
    }

    @Test
    void workerContextRunsOnTheGivenLoop() throws Exception {
        EventLoop loop = loops.next();
        VertxBridge bridge = new VertxBridge(vertx, new HttpServerOptions(), request -> {
        });
        Context context = bridge.createWorkerContext(loop, getClass().getClassLoader());
        assertTrue(context.isEventLoopContext());
        assertTrue(VertxBridge.runsOn(context, loop));
        CompletableFuture<Boolean> ran = new CompletableFuture<>();
        context.runOnContext(v -> ran.complete(loop.inEventLoop() && Vertx.currentContext() == context));
        assertTrue(ran.get(5, TimeUnit.SECONDS), "context tasks must run on our loop, as that context");
    }

    @Test
    void httpServerMetricsAreCreatedExplicitly() {
        VertxBridge bridge = new VertxBridge(vertx, new HttpServerOptions(), request -> {
        });
        int before = HTTP_SERVER_METRICS_CREATED.get();
        assertFalse(bridge.metricsEnabled(), "an unbound server has no metrics until we create them");
        bridge.openMetrics(new InetSocketAddress("127.0.0.1", 8080));
        assertTrue(bridge.metricsEnabled());
        assertEquals(before + 1, HTTP_SERVER_METRICS_CREATED.get());
        bridge.close();
        assertFalse(bridge.metricsEnabled());
    }

    @Test
    void streamSchedulingReachesVertxHttp2ConnectionsAndLeavesTheSystemPropertyAlone() throws Exception {
        System.setProperty(VertxBridge.STREAM_BYTE_DISTRIBUTOR_PROPERTY, "someone-elses");
        try {
            VertxBridge uniform = new VertxBridge(vertx, new HttpServerOptions(), new ConnectionTuning(true, 1 << 20),
                    request -> {
                    });
            VertxBridge weighted = new VertxBridge(vertx, new HttpServerOptions(), new ConnectionTuning(false, 1 << 20),
                    request -> {
                    });
            // Vert.x hands this field to VertxHttp2ConnectionHandlerBuilder for every HTTP/2 connection it builds;
            // if an upgrade renames it, or stops reading the property, this fails before the benchmark notices.
            Field field = HttpServerImpl.class.getDeclaredField("useH2UniformStreamByteDistributor");
            field.setAccessible(true);
            assertTrue(field.getBoolean(uniform.httpServer()), "uniform distributor requested but not taken");
            assertFalse(field.getBoolean(weighted.httpServer()), "weighted fair queue requested but uniform taken");
            assertEquals("someone-elses", System.getProperty(VertxBridge.STREAM_BYTE_DISTRIBUTOR_PROPERTY));
        } finally {
            System.clearProperty(VertxBridge.STREAM_BYTE_DISTRIBUTOR_PROPERTY);
        }
    }

    @Test
    void connectionsGetTheConfiguredWriteBufferWaterMark() throws Exception {
        VertxBridge bridge = new VertxBridge(vertx, new HttpServerOptions().setHttp2ClearTextEnabled(true),
                new ConnectionTuning(true, 300_000), request -> {
                });
        EventLoop loop = loops.next();
        Consumer<Channel> initializer = bridge.connectionInitializer(
                bridge.createWorkerContext(loop, getClass().getClassLoader()), new InetSocketAddress("127.0.0.1", 0));
        CompletableFuture<WriteBufferWaterMark> seen = new CompletableFuture<>();
        Channel listener = new ServerBootstrap().group(loop).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel child) {
                        initializer.accept(child);
                        seen.complete(child.config().getWriteBufferWaterMark());
                    }
                }).bind("127.0.0.1", 0).sync().channel();
        try (Socket client = new Socket("127.0.0.1", ((InetSocketAddress) listener.localAddress()).getPort())) {
            WriteBufferWaterMark mark = seen.get(5, TimeUnit.SECONDS);
            assertEquals(300_000, mark.high());
            assertEquals(150_000, mark.low());
        } finally {
            listener.close().sync();
        }
    }

    @Test
    void childHandlerIsObtainableFromTheUnboundServer() {
        VertxBridge bridge = new VertxBridge(vertx, new HttpServerOptions().setHttp2ClearTextEnabled(true),
                request -> {
                });
        EventLoop loop = loops.next();
        assertTrue(bridge.connectionInitializer(bridge.createWorkerContext(loop, getClass().getClassLoader()),
                new InetSocketAddress("127.0.0.1", 8080)) != null);
    }
}

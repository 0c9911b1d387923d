package dev.h2fs.transport.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * {@link LingeringClose} over real loopback sockets, on both I/O flavours: the client reads the last bytes and an
 * orderly end although it is still sending, the close is bounded however the client behaves, and nothing read while
 * lingering is kept. Then, on an embedded channel, the cases that must not linger and the re-installation after
 * Vert.x's h2c upgrade.
 */
class LingeringCloseTest {

    private static final byte[] LAST_WORDS = "GOAWAY".getBytes(StandardCharsets.US_ASCII);

    private EventLoopGroup group;
    private Channel listener;
    private final LingeringClose.Counts counts = new LingeringClose.Counts();
    private Closer closer = new Closer(LAST_WORDS, false);
    private final ReadBuffers readBuffers = new ReadBuffers();

    @AfterEach
    void stop() {
        if (listener != null) {
            listener.close().syncUninterruptibly();
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @ParameterizedTest
    @EnumSource(NettyTransport.class)
    void aClientStillSendingReadsTheLastBytesAndAnOrderlyEnd(NettyTransport transport) throws Exception {
        InetSocketAddress address = serve(transport, 5_000);
        try (Socket client = new Socket(address.getAddress(), address.getPort())) {
            client.setSoTimeout(5_000);
            // 4 MiB: far more than the socket buffers hold, so most of it is still on its way when the server closes.
            CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> send(client, 4 << 20));
            InputStream in = client.getInputStream();
            assertArrayEquals(LAST_WORDS, in.readNBytes(LAST_WORDS.length));
            assertEquals(-1, in.read(), "the server's FIN, not a reset");
            sending.get(5, TimeUnit.SECONDS); // every byte taken: the server kept reading after its FIN
            assertFalse(closer.channel().closeFuture().isDone(), "closed before the client did");
        }
        assertTrue(closer.channel().closeFuture().await(1, TimeUnit.SECONDS), "the client's FIN ends the linger");
        assertEquals(1, counts.lingered());
        assertEquals(0, counts.expired());
    }

    @ParameterizedTest
    @EnumSource(NettyTransport.class)
    void aSilentClientThatNeverClosesIsClosedAtTheBound(NettyTransport transport) throws Exception {
        InetSocketAddress address = serve(transport, 600);
        try (Socket client = new Socket(address.getAddress(), address.getPort())) {
            client.setSoTimeout(5_000);
            client.getOutputStream().write('x');
            InputStream in = client.getInputStream();
            assertArrayEquals(LAST_WORDS, in.readNBytes(LAST_WORDS.length));
            assertEquals(-1, in.read());
            long since = System.nanoTime();
            Thread.sleep(300);
            assertFalse(closer.channel().closeFuture().isDone(), "closed before the bound");
            assertFalse(closer.firstClose.isDone(), "a close completes when the channel closes");
            assertFalse(closer.secondClose.isDone(), "a second close completes with the first");
            assertTrue(closer.channel().closeFuture().await(2, TimeUnit.SECONDS), "still open after the bound");
            assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since) < 2_000);
            assertTrue(closer.firstClose.await(1, TimeUnit.SECONDS) && closer.firstClose.isSuccess());
            assertTrue(closer.secondClose.await(1, TimeUnit.SECONDS) && closer.secondClose.isSuccess());
        }
        assertEquals(1, counts.lingered());
        assertEquals(1, counts.expired());
    }

    @ParameterizedTest
    @EnumSource(NettyTransport.class)
    void aClientThatKeepsSendingIsClosedAtTheBoundAndNothingReadIsKept(NettyTransport transport) throws Exception {
        InetSocketAddress address = serve(transport, 600);
        AtomicBoolean stop = new AtomicBoolean();
        try (Socket client = new Socket(address.getAddress(), address.getPort())) {
            client.setSoTimeout(5_000);
            CompletableFuture<Void> flood = CompletableFuture.runAsync(() -> {
                byte[] chunk = new byte[64 << 10];
                try {
                    OutputStream out = client.getOutputStream();
                    while (!stop.get()) {
                        out.write(chunk);
                    }
                } catch (IOException closedOnUs) {
                    // the bound: the server closed with the flood still coming
                }
            });
            InputStream in = client.getInputStream();
            assertArrayEquals(LAST_WORDS, in.readNBytes(LAST_WORDS.length));
            assertTrue(closer.channel().closeFuture().await(3, TimeUnit.SECONDS), "a flood kept the connection open");
            stop.set(true);
            client.close();
            flood.get(5, TimeUnit.SECONDS);
        }
        assertEquals(1, counts.expired());
        assertEquals(0, closer.readsAfterClose.get(), "a read reached the handlers above after the close");
        assertTrue(readBuffers.allocated.size() > 10, "the flood was not read while lingering");
        for (ByteBuf buffer : readBuffers.allocated) {
            assertEquals(0, buffer.refCnt(), "a buffer read while lingering was kept");
        }
    }

    /** The connection guard's write stall: what the client did not take is dropped, the FIN follows what it did. */
    @ParameterizedTest
    @EnumSource(NettyTransport.class)
    void aCloseThatDropsQueuedOutputShutsTheOutputAtOnce(NettyTransport transport) throws Exception {
        int queued = 8 << 20; // more than the socket buffers hold: most of it is still in Netty's queue at the close
        closer = new Closer(new byte[queued], true);
        InetSocketAddress address = serve(transport, 5_000);
        try (Socket client = new Socket()) {
            client.setReceiveBufferSize(4_096);
            client.connect(address, 5_000);
            client.setSoTimeout(5_000);
            client.getOutputStream().write('x');
            assertFalse(closer.channel().closeFuture().isDone(), "closed without lingering");
            InputStream in = client.getInputStream();
            long received = 0;
            for (int n; (n = in.read(new byte[64 << 10])) >= 0;) {
                received += n; // a reset would throw: the FIN must follow what the kernel had taken
            }
            assertTrue(received < queued, "every queued byte was sent: the close waited for them");
        }
        assertTrue(closer.channel().closeFuture().await(1, TimeUnit.SECONDS), "the client's FIN ends the linger");
        assertEquals(1, counts.lingered());
        assertEquals(0, counts.expired());
    }

    @Test
    void aChannelThatIsNotAFullDuplexSocketClosesAtOnce() {
        EmbeddedChannel channel = new EmbeddedChannel(new LingeringClose(TimeUnit.SECONDS.toNanos(5), counts));
        assertTrue(channel.close().isSuccess());
        assertFalse(channel.isOpen());
        assertEquals(0, counts.lingered());
    }

    @Test
    void removedFromALiveConnectionItPutsItselfFirstAgain() {
        EmbeddedChannel channel = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
        LingeringClose.install(channel, TimeUnit.SECONDS.toNanos(5), counts);
        LingeringClose first = (LingeringClose) channel.pipeline().first();
        // As Vert.x's h2c upgrade does with every handler but its HTTP/2 one.
        channel.pipeline().remove(first);
        assertInstanceOf(LingeringClose.class, channel.pipeline().first());
        assertTrue(first != channel.pipeline().first());
        channel.close();
        assertNull(channel.pipeline().get(LingeringClose.class), "a closed channel does not get it back");
    }

    /** Listens on loopback; each connection gets {@link Closer} behind a lingering close of {@code lingerMillis}. */
    private InetSocketAddress serve(NettyTransport transport, long lingerMillis) {
        assumeTrue(transport != NettyTransport.EPOLL || NettyTransport.select(true) == NettyTransport.EPOLL,
                "native epoll is not available here");
        group = transport.newGroup(1, new DefaultThreadFactory("lingering-close-test", true));
        listener = new ServerBootstrap().group(group)
                .channelFactory(() -> transport.newServerChannel(false))
                .childOption(ChannelOption.ALLOCATOR, readBuffers)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline().addLast(closer);
                        LingeringClose.install(channel, TimeUnit.MILLISECONDS.toNanos(lingerMillis), counts);
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).syncUninterruptibly().channel();
        return (InetSocketAddress) listener.localAddress();
    }

    private static void send(Socket client, int bytes) {
        try {
            OutputStream out = client.getOutputStream();
            byte[] chunk = new byte[64 << 10];
            for (int sent = 0; sent < bytes; sent += chunk.length) {
                out.write(chunk);
            }
        } catch (IOException e) {
            throw new AssertionError("sending failed: the server reset the connection", e);
        }
    }

    /**
     * The server's side of one connection: on the first bytes it writes its last words and closes twice, as HTTP/2
     * does with a GOAWAY and Vert.x may do again; it counts what it is handed afterwards.
     */
    private static final class Closer extends ChannelInboundHandlerAdapter {
        private final byte[] lastWords;
        private final boolean dropQueuedOutput;
        // Completed once both closes were asked for; the fields below are set before it.
        final CompletableFuture<Channel> closing = new CompletableFuture<>();
        volatile ChannelFuture firstClose;
        volatile ChannelFuture secondClose;
        final AtomicInteger readsAfterClose = new AtomicInteger();

        /** @param dropQueuedOutput whether the close drops what the kernel has not taken of {@code lastWords} */
        Closer(byte[] lastWords, boolean dropQueuedOutput) {
            this.lastWords = lastWords;
            this.dropQueuedOutput = dropQueuedOutput;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
            if (firstClose != null) {
                readsAfterClose.incrementAndGet();
                return;
            }
            ctx.writeAndFlush(Unpooled.wrappedBuffer(lastWords));
            if (dropQueuedOutput) {
                LingeringClose.dropQueuedOutputOnClose(ctx.channel());
            }
            firstClose = ctx.close();
            secondClose = ctx.close();
            closing.complete(ctx.channel());
        }

        /** @return the connection, once it is closing */
        Channel channel() throws Exception {
            return closing.get(5, TimeUnit.SECONDS);
        }
    }

    /** Unpooled, recording every buffer it gives the connection (reads, mostly), to see that each one was released. */
    private static final class ReadBuffers extends AbstractByteBufAllocator {
        final Queue<ByteBuf> allocated = new ConcurrentLinkedQueue<>();

        ReadBuffers() {
            super(true);
        }

        @Override
        protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
            return record(new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity));
        }

        @Override
        protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
            return record(new UnpooledDirectByteBuf(this, initialCapacity, maxCapacity));
        }

        private ByteBuf record(ByteBuf buffer) {
            allocated.add(buffer);
            return buffer;
        }

        @Override
        public boolean isDirectBufferPooled() {
            return false;
        }
    }
}

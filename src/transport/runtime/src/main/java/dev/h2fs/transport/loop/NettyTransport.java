package dev.h2fs.transport.loop;

import java.util.concurrent.ThreadFactory;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;

/**
 * The Netty I/O flavour the transport runs on: native epoll (Linux) or NIO (everywhere else). Loops and channels of
 * one flavour only work with each other, so the acceptor and all workers use the same one.
 * <p>
 * Immutable; any thread.
 */
public enum NettyTransport {

    /** Native epoll: edge-triggered, eventfd wake-ups, {@code SO_REUSEPORT}. */
    EPOLL {
        @Override
        public EventLoopGroup newGroup(int threads, ThreadFactory threadFactory) {
            return new EpollEventLoopGroup(threads, threadFactory);
        }

        @Override
        public ServerChannel newServerChannel(boolean reusePort) {
            EpollServerSocketChannel channel = new EpollServerSocketChannel();
            if (reusePort) {
                channel.config().setOption(EpollChannelOption.SO_REUSEPORT, true);
            }
            return channel;
        }

        @Override
        public boolean supportsReusePort() {
            return true;
        }
    },

    /** JDK NIO: the portable fallback (macOS dev mode). */
    NIO {
        @Override
        public EventLoopGroup newGroup(int threads, ThreadFactory threadFactory) {
            return new NioEventLoopGroup(threads, threadFactory);
        }

        @Override
        public ServerChannel newServerChannel(boolean reusePort) {
            if (reusePort) {
                throw new IllegalStateException("SO_REUSEPORT needs native epoll");
            }
            return new NioServerSocketChannel();
        }

        @Override
        public boolean supportsReusePort() {
            return false;
        }
    };

    /** @return a group of {@code threads} loops, each on its own thread from {@code threadFactory} */
    public abstract EventLoopGroup newGroup(int threads, ThreadFactory threadFactory);

    /** @return a new, unregistered listening channel */
    public abstract ServerChannel newServerChannel(boolean reusePort);

    /** @return whether one listening socket per worker ({@code SO_REUSEPORT}) is possible */
    public abstract boolean supportsReusePort();

    /**
     * @param preferNative whether the configuration asks for native epoll
     * @return {@link #EPOLL} if wanted and available, else {@link #NIO}
     */
    public static NettyTransport select(boolean preferNative) {
        return preferNative && Epoll.isAvailable() ? EPOLL : NIO;
    }

    /** @return why native epoll is not available, or {@code null} if it is */
    public static Throwable epollUnavailabilityCause() {
        return Epoll.unavailabilityCause();
    }
}

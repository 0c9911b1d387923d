package dev.h2fs.transport.loop;

import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.epoll.EpollTcpInfo;
import io.netty.util.concurrent.FastThreadLocal;

/**
 * Whether the client has already hung up a connection whose bytes are still being read: its FIN (TCP state
 * CLOSE_WAIT) or its RST (CLOSE) has arrived behind requests still in the receive buffer. Netty reads those requests
 * before it sees the end of the stream, and serves them, although the client is gone and Netty closes the connection
 * right after the read. A load generator that stops with a hundred thousand streams in flight leaves that many requests
 * behind it (seen: {@code h2load -c1000 -m100} stopping left one worker serving the dead for 7 s, health checks
 * unanswered, and a slower runtime for longer); {@code InboundFrameInspector} asks here before letting a read open
 * streams.
 * <p>
 * Native epoll only: one {@code getsockopt(TCP_INFO)}, into a buffer per loop thread. NIO has no portable way to ask,
 * so there the answer is always no and abandoned requests are served as before.
 * <p>
 * Thread: the channel's event loop.
 */
public final class PeerHangUp {

    // From the kernel's include/net/tcp_states.h.
    private static final int TCP_CLOSE = 7;
    private static final int TCP_CLOSE_WAIT = 8;

    private static final FastThreadLocal<EpollTcpInfo> INFO = new FastThreadLocal<>() {
        @Override
        protected EpollTcpInfo initialValue() {
            return new EpollTcpInfo();
        }
    };

    private PeerHangUp() {
    }

    /** @return whether {@code channel}'s client has closed its side of the connection (never, on NIO) */
    public static boolean seen(Channel channel) {
        if (!(channel instanceof EpollSocketChannel epoll) || !channel.isOpen()) {
            return false;
        }
        int state = epoll.tcpInfo(INFO.get()).state();
        return state == TCP_CLOSE_WAIT || state == TCP_CLOSE;
    }
}

package dev.h2fs.transport.loop;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.ServerChannel;

/**
 * Binds a listening socket the way both kinds of listener need it ({@link Acceptor}, {@link ReusePortListener}):
 * accepting off until the workers are ready, so no connection arrives before there is a pipeline to give it.
 * <p>
 * Thread: the starting thread (blocks until bound).
 */
final class ListeningSocket {

    private ListeningSocket() {
    }

    /**
     * Registers {@code channel} with {@code loop}, puts {@code acceptHandler} in its pipeline and binds it, with reads
     * (accepting) off; turn {@code autoRead} on to start.
     *
     * @return the bound address (the actual port when 0 was asked)
     */
    static InetSocketAddress bindPaused(ServerChannel channel, EventLoop loop, ChannelHandler acceptHandler,
            SocketAddress address, int backlog) throws InterruptedException {
        channel.config().setAutoRead(false);
        channel.config().setOption(ChannelOption.SO_BACKLOG, backlog);
        channel.config().setOption(ChannelOption.SO_REUSEADDR, true);
        channel.pipeline().addLast(acceptHandler);
        loop.register(channel).sync();
        channel.bind(address).sync();
        return (InetSocketAddress) channel.localAddress();
    }
}

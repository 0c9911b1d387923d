package dev.h2fs.transport.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpRequestDecoder;

import dev.h2fs.transport.loop.LingeringClose;

/**
 * The request head timeout on an embedded channel whose "Vert.x" is a stand-in: a detector that, like Vert.x's
 * {@code Http1xOrH2CHandler}, sets up the HTTP/1.x decoder on the first byte and forwards the rest in the same call.
 */
class ConnectionGuardTest {

    private static final long TIMEOUT = TimeUnit.SECONDS.toNanos(2);

    /** Stand-in for Vert.x's protocol detector: installs "httpDecoder" on first read, then leaves. */
    private static final class Detector extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.pipeline().addAfter(ctx.name(), ConnectionGuard.VERTX_HTTP1_DECODER, new HttpRequestDecoder());
            ctx.pipeline().remove(this);
            ctx.fireChannelRead(msg);
        }
    }

    private static EmbeddedChannel guarded(ConnectionGuard guard) {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.pipeline().addLast(new Detector());
        guard.install(channel);
        return channel;
    }

    private static void send(EmbeddedChannel channel, String ascii) {
        channel.writeInbound(Unpooled.copiedBuffer(ascii, StandardCharsets.US_ASCII));
    }

    @Test
    void aHeadThatNeverCompletesTimesOut() {
        ConnectionGuard guard = new ConnectionGuard(new GuardLimits(TIMEOUT, 0, 0));
        EmbeddedChannel channel = guarded(guard);
        send(channel, "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: aaaa");
        assertNull(guard.check(System.nanoTime()));
        assertEquals(ConnectionGuard.Violation.REQUEST_HEAD_TIMEOUT, guard.check(System.nanoTime() + TIMEOUT + 1));
        channel.finishAndReleaseAll();
    }

    @Test
    void aHeadThatArrivesInOneReadIsSeenDespiteTheDetectorFeedingItOnward() {
        ConnectionGuard guard = new ConnectionGuard(new GuardLimits(TIMEOUT, 0, 0));
        EmbeddedChannel channel = guarded(guard);
        send(channel, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        assertNotNull(channel.pipeline().get(ConnectionGuard.HTTP1_OBSERVER_NAME));
        assertNull(guard.check(System.nanoTime() + 10 * TIMEOUT), "a finished request is not a slow head");
        assertNotNull(channel.readInbound(), "the request went on to the application");
        channel.finishAndReleaseAll();
    }

    @Test
    void theClockRestartsWithTheFirstByteOfTheNextRequestOnly() {
        ConnectionGuard guard = new ConnectionGuard(new GuardLimits(TIMEOUT, 0, 0));
        EmbeddedChannel channel = guarded(guard);
        send(channel, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        assertNull(guard.check(System.nanoTime() + 10 * TIMEOUT), "resting between requests is idle, not slow");
        long before = System.nanoTime();
        send(channel, "GET /next HTTP/1.1\r\n");
        assertNull(guard.check(before + TIMEOUT - 1));
        assertEquals(ConnectionGuard.Violation.REQUEST_HEAD_TIMEOUT, guard.check(System.nanoTime() + TIMEOUT + 1));
        channel.finishAndReleaseAll();
    }

    @Test
    void aConnectionThatSaysNothingTimesOut() {
        ConnectionGuard guard = new ConnectionGuard(new GuardLimits(TIMEOUT, 0, 0));
        EmbeddedChannel channel = guarded(guard);
        assertEquals(ConnectionGuard.Violation.REQUEST_HEAD_TIMEOUT, guard.check(System.nanoTime() + TIMEOUT + 1));
        guard.close(ConnectionGuard.Violation.REQUEST_HEAD_TIMEOUT);
        assertFalse(channel.isOpen());
    }

    @Test
    void nothingWaitingToBeWrittenIsNoStall() {
        ConnectionGuard guard = new ConnectionGuard(new GuardLimits(0, TIMEOUT, 0));
        EmbeddedChannel channel = guarded(guard);
        send(channel, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        channel.writeAndFlush(Unpooled.copiedBuffer("HTTP/1.1 200 OK\r\n\r\n", StandardCharsets.US_ASCII));
        long now = System.nanoTime();
        assertNull(guard.check(now));
        assertNull(guard.check(now + 10 * TIMEOUT));
        channel.finishAndReleaseAll();
    }

    @Test
    void afterAnH2cUpgradeTheGuardIsBackRightBehindTheLingeringClose() {
        ConnectionGuard guard = new ConnectionGuard(new GuardLimits(TIMEOUT, 0, 0));
        EmbeddedChannel channel = guarded(guard);
        LingeringClose.install(channel, TIMEOUT, new LingeringClose.Counts());
        // As Vert.x's h2c upgrade does: every handler goes (there, all but the HTTP/2 one), head first.
        for (Map.Entry<String, ChannelHandler> handler : channel.pipeline()) {
            channel.pipeline().remove(handler.getKey());
        }
        List<String> names = channel.pipeline().names();
        assertEquals(LingeringClose.HANDLER_NAME, names.get(0), "every close must still pass it: " + names);
        assertEquals(ConnectionGuard.HANDLER_NAME, names.get(1), names.toString());
        channel.finishAndReleaseAll();
    }

    @Test
    void aConnectionWithNoTrafficForTheIdleTimeoutIsIdle() {
        ConnectionGuard guard = new ConnectionGuard(new GuardLimits(0, 0, TIMEOUT));
        EmbeddedChannel channel = guarded(guard);
        send(channel, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        long start = System.nanoTime();
        assertNull(guard.check(start), "the first beat after traffic marks the connection active");
        assertNull(guard.check(start + TIMEOUT - 1));
        assertEquals(ConnectionGuard.Violation.IDLE, guard.check(start + TIMEOUT + 1));
        channel.finishAndReleaseAll();
    }

    @Test
    void readsAndBytesSentKeepAConnectionFromBeingIdle() {
        ConnectionGuard guard = new ConnectionGuard(new GuardLimits(0, 0, TIMEOUT));
        EmbeddedChannel channel = guarded(guard);
        send(channel, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        long now = System.nanoTime();
        assertNull(guard.check(now));
        now += TIMEOUT - 1;
        channel.writeAndFlush(Unpooled.copiedBuffer("HTTP/1.1 200 OK\r\n\r\n", StandardCharsets.US_ASCII));
        assertNull(guard.check(now), "bytes sent since the last beat");
        now += TIMEOUT - 1;
        send(channel, "GET /again HTTP/1.1\r\nHost: x\r\n\r\n");
        assertNull(guard.check(now), "bytes read since the last beat");
        assertEquals(ConnectionGuard.Violation.IDLE, guard.check(now + TIMEOUT + 1));
        channel.finishAndReleaseAll();
    }
}

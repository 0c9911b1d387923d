package dev.h2fs.transport.vertx;

import io.netty.channel.WriteBufferWaterMark;

/**
 * How the transport tunes each connection's output beyond Vert.x's {@code HttpServerOptions}, which have no say in
 * either. Immutable; any thread.
 *
 * @param uniformStreamScheduling whether HTTP/2 connections share their send window among streams with Netty's
 *        {@code UniformStreamByteDistributor} (true) or Vert.x's default, the weighted fair queue (false)
 * @param writeBufferHighWaterMark bytes queued for the socket beyond what the kernel took before the connection stops
 *        producing more (it resumes below half of it)
 */
public record ConnectionTuning(boolean uniformStreamScheduling, int writeBufferHighWaterMark) {

    /** The transport's defaults ({@code TransportConfig}'s). */
    public static final ConnectionTuning DEFAULTS = new ConnectionTuning(true, 1 << 20);

    public ConnectionTuning {
        if (writeBufferHighWaterMark < 2) {
            throw new IllegalArgumentException("write buffer high water mark must be at least 2 bytes");
        }
    }

    WriteBufferWaterMark waterMark() {
        return new WriteBufferWaterMark(writeBufferHighWaterMark / 2, writeBufferHighWaterMark);
    }
}

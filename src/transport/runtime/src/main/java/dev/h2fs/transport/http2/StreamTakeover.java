package dev.h2fs.transport.http2;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.util.AttributeKey;

/**
 * Something that may take HTTP/2 streams, or HTTP/1.x requests, off Vert.x's connection: installed on the connection's
 * decoder once the connection is known to speak HTTP/2, before its first frame is decoded, or in its pipeline once it
 * is known to speak HTTP/1.x. Set on a channel as the attribute
 * {@link #KEY}; {@link InboundFrameInspector} installs it.
 * <p>
 * Thread: {@link #install} runs on the connection's event loop.
 */
public interface StreamTakeover {

    AttributeKey<StreamTakeover> KEY = AttributeKey.valueOf(StreamTakeover.class, "takeover");

    /**
     * Hooks into {@code http2}'s frame listener.
     *
     * @param http2 the connection's Netty HTTP/2 handler (Vert.x's)
     * @param http2Context that handler's context
     */
    void install(Http2ConnectionHandler http2, ChannelHandlerContext http2Context);

    /**
     * Hooks into an HTTP/1.x connection, once Vert.x has set up its pipeline (its decoder, its encoder, and its
     * h2c upgrade handler or its connection handler), before the first request is decoded.
     */
    void installHttp1(ChannelPipeline pipeline);
}

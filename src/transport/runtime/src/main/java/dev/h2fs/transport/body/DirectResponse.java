package dev.h2fs.transport.body;

import java.nio.ByteBuffer;

/**
 * A response the transport writes itself (the REST fast path), reached through
 * {@code ServerHttpRequest.unwrap(DirectResponse.class)}. Use {@link ResponseBodies}, which also covers responses
 * carried by Vert.x.
 * <p>
 * Thread: any; the writes themselves happen on the connection's event loop.
 */
public interface DirectResponse {

    /** Sends the head (if not sent) and {@code bytes} as the rest of the body, without copying them. */
    void endWith(ByteBuffer bytes);

    /** Abandons the response: RST_STREAM with {@code code}. */
    void reset(long code);
}

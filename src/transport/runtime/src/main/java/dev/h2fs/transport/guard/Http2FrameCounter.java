package dev.h2fs.transport.guard;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http2.Http2FrameTypes;

import dev.h2fs.transport.http2.FrameHeaderReader;

/**
 * Follows the server's outbound HTTP/2 byte stream frame by frame (RFC 9113 section 4.1: 9-byte header, 24-bit
 * length, 8-bit type) and counts the payload bytes of DATA frames. DATA is the only flow-controlled frame, so this
 * counter moves exactly when the flow controller lets response bodies go, and not when PING or SETTINGS
 * acknowledgements go out; a client that keeps its window shut while pinging therefore makes no progress here.
 * <p>
 * It must see every outbound byte from the first frame on, in order. Our server only writes the frame types of RFC
 * 9113; a type beyond CONTINUATION means the count lost its footing, and it then reports {@link #lost()} for good.
 * <p>
 * Thread: confined to the connection's loop.
 */
final class Http2FrameCounter {

    private final FrameHeaderReader header = new FrameHeaderReader();
    private int payloadLeft;
    private boolean inData;
    private long dataBytes;
    private boolean lost;

    /** Accounts for {@code buf}'s readable bytes, without consuming them. */
    void accept(ByteBuf buf) {
        int index = buf.readerIndex();
        int end = buf.writerIndex();
        while (index < end && !lost) {
            if (payloadLeft > 0) {
                int n = Math.min(payloadLeft, end - index);
                if (inData) {
                    dataBytes += n;
                }
                payloadLeft -= n;
                index += n;
                continue;
            }
            index = header.read(buf, index, end);
            if (header.complete()) {
                payloadLeft = header.payloadLength();
                inData = header.type() == Http2FrameTypes.DATA;
                lost = header.type() > Http2FrameTypes.CONTINUATION;
            }
        }
    }

    /** Gives up counting: something other than bytes went to the socket. */
    void lose() {
        lost = true;
    }

    /** @return DATA payload bytes seen so far (padding included) */
    long dataBytes() {
        return dataBytes;
    }

    /** @return whether an impossible frame type was seen: the count is meaningless from then on */
    boolean lost() {
        return lost;
    }
}

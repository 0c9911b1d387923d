package dev.h2fs.transport.http2;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http2.Http2CodecUtil;

/**
 * Reads HTTP/2 frame headers (RFC 9113 section 4.1: 24-bit length, 8-bit type, 8-bit flags, 31-bit stream identifier)
 * from a byte stream that may split a header across buffers, without consuming the buffers. A whole header in one
 * buffer takes four reads; a split one is gathered byte by byte.
 * <p>
 * Thread: confined to its connection's loop.
 */
public final class FrameHeaderReader {

    /** Bytes in a frame header. */
    public static final int LENGTH = Http2CodecUtil.FRAME_HEADER_LENGTH;

    private final byte[] gathered = new byte[LENGTH];
    private int filled;
    private boolean complete;
    private int payloadLength;
    private int type;
    private int flags;
    private int streamId;

    /**
     * Takes header bytes from {@code buf} at {@code index}, which must be below {@code end}.
     *
     * @return the index after the bytes taken; {@link #complete()} tells whether they finished a header
     */
    public int read(ByteBuf buf, int index, int end) {
        if (filled == 0 && end - index >= LENGTH) {
            payloadLength = buf.getUnsignedMedium(index);
            type = buf.getUnsignedByte(index + 3);
            flags = buf.getUnsignedByte(index + 4);
            streamId = buf.getInt(index + 5) & Integer.MAX_VALUE;
            complete = true;
            return index + LENGTH;
        }
        gathered[filled++] = buf.getByte(index);
        complete = filled == LENGTH;
        if (complete) {
            filled = 0;
            payloadLength = (gathered[0] & 0xff) << 16 | (gathered[1] & 0xff) << 8 | gathered[2] & 0xff;
            type = gathered[3] & 0xff;
            flags = gathered[4] & 0xff;
            streamId = (gathered[5] & 0x7f) << 24 | (gathered[6] & 0xff) << 16 | (gathered[7] & 0xff) << 8
                    | gathered[8] & 0xff;
        }
        return index + 1;
    }

    /** @return whether some bytes of a header have been taken and more are needed */
    public boolean partial() {
        return filled > 0;
    }

    /** @return whether the last {@link #read} finished a header, whose fields are then valid */
    public boolean complete() {
        return complete;
    }

    /** @return the payload length of the last complete header */
    public int payloadLength() {
        return payloadLength;
    }

    /** @return the frame type of the last complete header */
    public int type() {
        return type;
    }

    /** @return the flags of the last complete header */
    public int flags() {
        return flags;
    }

    /** @return the stream identifier of the last complete header (reserved bit cleared) */
    public int streamId() {
        return streamId;
    }
}

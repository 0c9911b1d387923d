package dev.h2fs.transport.http2;

import io.netty.buffer.ByteBuf;

/**
 * HPACK's prefixed integers (RFC 7541 section 5.1), read in place and written, for {@link AuthorizationLiteralMemo}'s
 * walk over header blocks. Values above {@link Integer#MAX_VALUE} are refused (read as -1), as Netty's decoder refuses
 * them.
 * <p>
 * Thread: any (no state).
 */
final class HpackIntegers {

    private static final int MAX_CONTINUATION_BYTES = 5;

    private HpackIntegers() {
    }

    /** @return the integer at {@code index} with an N-bit prefix, or -1 if it runs past {@code end} or overflows */
    static long read(ByteBuf buf, int index, int end, int prefixBits) {
        if (index >= end) {
            return -1;
        }
        int max = (1 << prefixBits) - 1;
        long value = buf.getUnsignedByte(index) & max;
        if (value < max) {
            return value;
        }
        int shift = 0;
        for (int i = 1; i <= MAX_CONTINUATION_BYTES; i++) {
            if (index + i >= end) {
                return -1;
            }
            int b = buf.getUnsignedByte(index + i);
            value += (long) (b & 0x7F) << shift;
            if (value > Integer.MAX_VALUE) {
                return -1;
            }
            if ((b & 0x80) == 0) {
                return value;
            }
            shift += 7;
        }
        return -1;
    }

    /** @return the index just after the integer at {@code index} (which {@link #read} accepted) */
    static int end(ByteBuf buf, int index, int prefixBits) {
        int max = (1 << prefixBits) - 1;
        if ((buf.getUnsignedByte(index) & max) < max) {
            return index + 1;
        }
        int i = index + 1;
        while ((buf.getUnsignedByte(i) & 0x80) != 0) {
            i++;
        }
        return i + 1;
    }

    /** @return how many bytes {@link #write} takes for {@code value} with an N-bit prefix */
    static int length(int value, int prefixBits) {
        int max = (1 << prefixBits) - 1;
        if (value < max) {
            return 1;
        }
        int bytes = 2;
        for (int rest = value - max; rest >= 0x80; rest >>>= 7) {
            bytes++;
        }
        return bytes;
    }

    /** Writes {@code value} with an N-bit prefix, the first byte's high bits being {@code mask}'s. */
    static void write(ByteBuf out, int mask, int value, int prefixBits) {
        int max = (1 << prefixBits) - 1;
        if (value < max) {
            out.writeByte(mask | value);
            return;
        }
        out.writeByte(mask | max);
        int rest = value - max;
        while (rest >= 0x80) {
            out.writeByte((rest & 0x7F) | 0x80);
            rest >>>= 7;
        }
        out.writeByte(rest);
    }
}

package dev.h2fs.transport.http2;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Flags;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;

/**
 * Spares Netty's HPACK decoder the Huffman decoding of the same {@code authorization} value on every request of a
 * connection. Clients do not index that field (RFC 7541 section 7.1.3; nghttp2, and so curl and h2load, send it as a
 * literal "never indexed"), so a bearer token arrives Huffman-coded in every HEADERS frame, and decoding ~800 bytes of
 * Huffman code costs the worker ~2 µs per request, more than the rest of HPACK.
 * <p>
 * The first time a connection sends an {@code authorization} literal, its Huffman code is decoded once here (by a
 * Netty HPACK decoder of our own, on a block holding that one field) and remembered with the decoded bytes. When a
 * later HEADERS frame carries the very same code, the frame is rewritten before Netty reads it: the field keeps its
 * representation (never indexed, or without indexing, name from the static table) and only its value goes from Huffman
 * code to the plain octets it stands for, which HPACK allows for any string (section 5.2). What Netty decodes is the
 * same header list, byte for byte; the dynamic table is not touched by either representation.
 * <p>
 * Only the simple case is taken: a HEADERS frame that is whole in one read, ends the header block, carries no padding,
 * and whose block this class can walk to the end; the value is at most {@link #MAX_ENCODED} octets and the rewritten
 * frame stays within the smallest maximum frame size (16,384). Anything else passes untouched, so a malformed block
 * meets Netty's own error as before. Memory: one value per connection, at most ~2.5 times {@link #MAX_ENCODED}.
 * <p>
 * Thread: the connection's event loop (used by {@link InboundFrameInspector} only).
 */
final class AuthorizationLiteralMemo {

    /** The largest Huffman-coded value remembered. */
    static final int MAX_ENCODED = 2048;

    /**
     * Smaller HEADERS frames are passed at once: a bearer token alone is longer, and decoding a short value's Huffman
     * code costs less than looking for it.
     */
    static final int MIN_PAYLOAD = 128;

    /** {@code authorization} in HPACK's static table (RFC 7541 appendix A). */
    private static final int AUTHORIZATION_INDEX = 23;
    private static final int PRIORITY_LENGTH = 5;

    private ByteBuf encoded; // the Huffman code last seen, as it came (no length prefix), on the heap
    private byte[] plain; // what it decodes to
    private DefaultHttp2HeadersDecoder decoder; // made on first use: most connections never send the field

    /**
     * @param frame a buffer holding the whole HEADERS frame, header included, from index {@code start} (only read)
     * @return the frame to give Netty instead, with the remembered value in plain octets, or null to pass it untouched
     */
    ByteBuf rewrite(ByteBuf frame, int start, ByteBufAllocator allocator) {
        if (frame.getUnsignedMedium(start) < MIN_PAYLOAD) {
            return null; // no value worth it: a request without a token does not pay for the walk
        }
        int flags = frame.getUnsignedByte(start + 4);
        if ((flags & Http2Flags.PADDED) != 0 || (flags & Http2Flags.END_HEADERS) == 0) {
            return null;
        }
        int blockStart = start + FrameHeaderReader.LENGTH
                + ((flags & Http2Flags.PRIORITY) != 0 ? PRIORITY_LENGTH : 0);
        int end = start + FrameHeaderReader.LENGTH + frame.getUnsignedMedium(start);
        if (blockStart > end) {
            return null;
        }
        int field = findAuthorizationValue(frame, blockStart, end);
        if (field < 0) {
            return null;
        }
        int first = frame.getUnsignedByte(field);
        if ((first & 0x80) == 0) {
            return null; // already plain
        }
        long length = HpackIntegers.read(frame, field, end, 7);
        if (length < 0) {
            return null;
        }
        int codeStart = HpackIntegers.end(frame, field, 7);
        int codeLength = (int) length;
        if (codeLength > MAX_ENCODED || codeStart + codeLength > end) {
            return null;
        }
        if (!remembers(frame, codeStart, codeLength)) {
            learn(frame, field, codeStart, codeLength);
            return null; // this time Netty decodes it; from the next frame on it is plain
        }
        int prefixLength = HpackIntegers.length(plain.length, 7);
        int payloadLength = (end - start - FrameHeaderReader.LENGTH) - (codeStart - field) - codeLength + prefixLength
                + plain.length;
        if (payloadLength > Http2CodecUtil.DEFAULT_MAX_FRAME_SIZE) {
            return null;
        }
        ByteBuf out = allocator.buffer(FrameHeaderReader.LENGTH + payloadLength);
        out.writeMedium(payloadLength);
        out.writeBytes(frame, start + 3, FrameHeaderReader.LENGTH - 3); // type, flags, stream id
        out.writeBytes(frame, start + FrameHeaderReader.LENGTH, field - start - FrameHeaderReader.LENGTH);
        HpackIntegers.write(out, 0, plain.length, 7); // H = 0: plain octets
        out.writeBytes(plain);
        out.writeBytes(frame, codeStart + codeLength, end - codeStart - codeLength);
        return out;
    }

    private boolean remembers(ByteBuf frame, int codeStart, int codeLength) {
        return encoded != null && encoded.readableBytes() == codeLength
                && ByteBufUtil.equals(frame, codeStart, encoded, 0, codeLength);
    }

    /** Decodes the value once with a decoder of our own (its table is never touched: the block indexes nothing). */
    private void learn(ByteBuf frame, int field, int codeStart, int codeLength) {
        encoded = null;
        plain = null;
        if (decoder == null) {
            decoder = new DefaultHttp2HeadersDecoder(false, 2L * MAX_ENCODED + 64);
        }
        ByteBuf block = Unpooled.buffer(2 + codeStart - field + codeLength);
        try {
            HpackIntegers.write(block, 0x10, AUTHORIZATION_INDEX, 4); // literal never indexed, indexed name
            block.writeBytes(frame, field, codeStart - field + codeLength);
            Http2Headers headers = decoder.decodeHeaders(1, block);
            CharSequence value = headers.get("authorization");
            if (value == null || block.isReadable()) {
                return;
            }
            byte[] decoded = AsciiString.of(value).toByteArray();
            byte[] code = new byte[codeLength];
            frame.getBytes(codeStart, code);
            encoded = Unpooled.wrappedBuffer(code);
            plain = decoded;
        } catch (Http2Exception | RuntimeException e) {
            // Not a value we can decode: Netty will say what is wrong with it, and nothing is remembered.
        } finally {
            block.release();
        }
    }

    /**
     * Walks a header block's field representations (RFC 7541 section 6) without decoding them.
     *
     * @return the index of the value string of the first {@code authorization} field sent as a literal without
     *         indexing or never indexed with the name from the static table, or -1 (none, or a block not understood)
     */
    static int findAuthorizationValue(ByteBuf block, int index, int end) {
        while (index < end) {
            int first = block.getUnsignedByte(index);
            int prefix;
            boolean literal;
            if ((first & 0x80) != 0) {
                prefix = 7; // indexed field
                literal = false;
            } else if ((first & 0x40) != 0) {
                prefix = 6; // literal with incremental indexing
                literal = true;
            } else if ((first & 0x20) != 0) {
                prefix = 5; // dynamic table size update
                literal = false;
            } else {
                prefix = 4; // literal without indexing (0000), never indexed (0001)
                literal = true;
            }
            long nameIndex = HpackIntegers.read(block, index, end, prefix);
            if (nameIndex < 0) {
                return -1;
            }
            index = HpackIntegers.end(block, index, prefix);
            if (!literal) {
                continue;
            }
            if (nameIndex == 0) {
                index = skipString(block, index, end); // a literal name
                if (index < 0) {
                    return -1;
                }
            } else if (nameIndex == AUTHORIZATION_INDEX && prefix == 4) {
                return index < end ? index : -1;
            }
            index = skipString(block, index, end);
            if (index < 0) {
                return -1;
            }
        }
        return -1;
    }

    private static int skipString(ByteBuf block, int index, int end) {
        if (index >= end) {
            return -1;
        }
        long length = HpackIntegers.read(block, index, end, 7);
        if (length < 0) {
            return -1;
        }
        long next = HpackIntegers.end(block, index, 7) + length;
        return next <= end ? (int) next : -1;
    }
}

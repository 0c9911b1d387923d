package dev.h2fs.transport.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;

/**
 * {@link AuthorizationLiteralMemo} and {@link HpackIntegers} on header blocks made by Netty's own HPACK encoder, set as
 * nghttp2 (curl, h2load) is: {@code authorization} never indexed, every value Huffman-coded where that is shorter. Every rewritten frame is checked
 * by decoding it with Netty's decoder, in sequence with the frames before it, as the server's decoder sees them.
 */
class AuthorizationLiteralMemoTest {

    private static final int HEADERS = 0x1;
    private static final int END_STREAM = 0x1;
    private static final int END_HEADERS = 0x4;
    private static final int PADDED = 0x8;
    private static final int PRIORITY = 0x20;
    private static final String TOKEN = "Bearer eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJoMmZzIiwiZ3JvdXBzIjpb"
            + "ImZpbGVzLXJlYWRlciJdLCJleHAiOjE3OTY1MzYyMDF9."
            + "mSlhIqyDzUGbFq9VXAVWkVPzkh2jdPuZdD8zekq4uO8UtHE_L2uqLhRP8bkzexR61Kfs5_Iv5m6SFrTu8SAyOs6lMvVn1zaeAz73nL_k"
            + "w64sniQQSRPBnOMKUbqa64CGZuQVtlQR9NqMRnxh4kvmTNRJ8CtDo6v3Tr4jX0qMSAo0AY55JiCEQ_bxArfDibjM3sRpMSCcPcoaMQ8_"
            + "91wmxa6W2_at4duD0qKYYh8jeubVuBiCvqLZHaiasvu3wLkMiM7hpz9MUGL129BhGHsql_2RvhKtJeKQ9C78C-qOE4AHPNm2D1jJIeGv"
            + "OzDs6jmXTfkt4OGt9agInLUOIG8aBg";

    private final DefaultHttp2HeadersEncoder client = nghttp2Encoder();
    private final DefaultHttp2HeadersDecoder server = new DefaultHttp2HeadersDecoder(true);
    private final AuthorizationLiteralMemo memo = new AuthorizationLiteralMemo();

    @Test
    void hpackIntegersRoundTripAtEveryPrefixBoundary() {
        for (int prefix = 4; prefix <= 7; prefix++) {
            int max = (1 << prefix) - 1;
            for (int value : new int[] { 0, max - 1, max, max + 1, max + 127, max + 128, 16_383, 1 << 20,
                    Integer.MAX_VALUE }) {
                ByteBuf out = Unpooled.buffer();
                HpackIntegers.write(out, 0, value, prefix);
                assertEquals(HpackIntegers.length(value, prefix), out.readableBytes(), "length of " + value);
                assertEquals(value, HpackIntegers.read(out, 0, out.writerIndex(), prefix), "value " + value);
                assertEquals(out.writerIndex(), HpackIntegers.end(out, 0, prefix));
                out.release();
            }
        }
    }

    @Test
    void hpackIntegerCutShortOrBeyondIntRangeIsRefused() {
        ByteBuf cut = Unpooled.wrappedBuffer(new byte[] { 0x7F, (byte) 0x80 }); // a continuation that never ends
        assertEquals(-1, HpackIntegers.read(cut, 0, cut.writerIndex(), 7));
        ByteBuf huge = Unpooled.wrappedBuffer(new byte[] { 0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
                0x0F });
        assertEquals(-1, HpackIntegers.read(huge, 0, huge.writerIndex(), 7));
    }

    @Test
    void theSecondFrameWithTheSameTokenIsRewrittenToPlainOctetsAndDecodesToTheSameHeaders() throws Exception {
        Http2Headers first = request("/files/a", TOKEN);
        ByteBuf frame1 = frame(first, END_HEADERS | END_STREAM);
        assertNull(rewrite(frame1), "the first sight is learnt, not rewritten");
        assertEquals(first, decode(frame1));

        Http2Headers second = request("/files/b", TOKEN);
        ByteBuf frame2 = frame(second, END_HEADERS | END_STREAM);
        ByteBuf rewritten = rewrite(frame2);
        assertNotNull(rewritten);
        assertTrue(rewritten.readableBytes() > frame2.readableBytes(), "plain octets are longer than Huffman code");
        assertTrue(ByteBufUtil.indexOf(Unpooled.copiedBuffer(TOKEN, StandardCharsets.US_ASCII), rewritten) >= 0,
                "the token is in the frame as plain octets");
        assertEquals(frame2.getInt(5), rewritten.getInt(5), "same stream");
        assertEquals(frame2.getByte(4), rewritten.getByte(4), "same flags");
        assertEquals(second, decode(rewritten));
        frame2.release();
    }

    @Test
    void aFrameWithPriorityKeepsItsPriorityFields() throws Exception {
        decode(learnt(TOKEN));
        Http2Headers headers = request("/files/p", TOKEN);
        ByteBuf block = block(headers);
        ByteBuf frame = Unpooled.buffer();
        frame.writeMedium(5 + block.readableBytes()).writeByte(HEADERS).writeByte(END_HEADERS | PRIORITY).writeInt(3);
        frame.writeInt(0x80000001).writeByte(15).writeBytes(block);
        ByteBuf rewritten = rewrite(frame);
        assertNotNull(rewritten);
        assertEquals(0x80000001, rewritten.getInt(9));
        assertEquals(15, rewritten.getByte(13));
        rewritten.skipBytes(14);
        assertEquals(headers, server.decodeHeaders(3, rewritten));
        rewritten.release();
        frame.release();
    }

    /** Attack: a token that differs from the remembered one in its last characters only, of the same length. */
    @Test
    void aDifferentTokenOfTheSameLengthIsNeverTakenForTheRememberedOne() throws Exception {
        decode(learnt(TOKEN));
        // 'g' and 'h' both have 6-bit Huffman codes: the two values' codes have the same length, and differ in one bit.
        String other = TOKEN.substring(0, TOKEN.length() - 1) + "h";
        assertEquals(huffmanLength(TOKEN), huffmanLength(other));
        Http2Headers headers = request("/files/c", other);
        ByteBuf frame = frame(headers, END_HEADERS | END_STREAM);
        assertNull(rewrite(frame), "not the remembered code: learnt, passed untouched");
        assertEquals(headers, decode(frame));
        // The other token is now the one remembered; the first is learnt again when it comes back.
        Http2Headers again = request("/files/d", other);
        ByteBuf rewritten = rewrite(frame(again, END_HEADERS | END_STREAM));
        assertNotNull(rewritten);
        assertEquals(again, decode(rewritten));
    }

    @Test
    void framesTheMemoDoesNotWalkPassUntouched() throws Exception {
        decode(learnt(TOKEN));
        Http2Headers headers = request("/files/e", TOKEN);
        ByteBuf block = block(headers);
        // padded
        ByteBuf padded = Unpooled.buffer();
        padded.writeMedium(1 + block.readableBytes() + 3).writeByte(HEADERS).writeByte(END_HEADERS | PADDED)
                .writeInt(1).writeByte(3).writeBytes(block, block.readerIndex(), block.readableBytes())
                .writeZero(3);
        assertNull(rewrite(padded));
        // a header block continued in CONTINUATION frames
        assertNull(rewrite(frame(block.duplicate(), END_STREAM)));
        // a block cut short inside the token
        ByteBuf cut = frame(block.slice(0, block.readableBytes() - 10), END_HEADERS);
        assertNull(rewrite(cut));
        // authorization with its name spelt out, or with incremental indexing: not taken
        ByteBuf literalName = Unpooled.buffer();
        literalName.writeByte(0x10);
        writeString(literalName, "authorization");
        writeString(literalName, TOKEN);
        assertNull(rewrite(frame(literalName, END_HEADERS)));
        ByteBuf indexing = Unpooled.buffer();
        HpackIntegers.write(indexing, 0x40, 23, 6);
        writeString(indexing, TOKEN);
        assertNull(rewrite(frame(indexing, END_HEADERS)));
    }

    @Test
    void smallFramesAreNotWalked() {
        ByteBuf small = frame(new DefaultHttp2Headers().method("GET").path("/"), END_HEADERS | END_STREAM);
        assertTrue(small.readableBytes() - 9 < AuthorizationLiteralMemo.MIN_PAYLOAD);
        assertNull(rewrite(small));
    }

    @Test
    void huffmanCodeThatDoesNotDecodeIsNeverRemembered() throws Exception {
        ByteBuf bad = Unpooled.buffer();
        HpackIntegers.write(bad, 0x10, 23, 4);
        HpackIntegers.write(bad, 0x80, 200, 7); // Huffman code of 1,600 one bits: EOS inside the string, an error
        for (int i = 0; i < 200; i++) {
            bad.writeByte(0xFF);
        }
        ByteBuf frame = frame(bad, END_HEADERS);
        assertNull(rewrite(frame));
        assertNull(rewrite(frame), "still not rewritten: Netty gives its error");
        assertThrows(Http2Exception.class, () -> decode(frame));
    }

    @Test
    void aRewriteThatWouldOutgrowTheSmallestMaximumFrameSizeIsNotMade() throws Exception {
        decode(learnt(TOKEN));
        // '~' has a 13-bit Huffman code, so the filler goes plain: one octet per character. Filled to exactly 16,384
        // (the encoder indexes the other fields on first use, so the size settles after the first frame).
        int fill = 15_900;
        ByteBuf frame = frame(request("/files/f", TOKEN).add("x-filler", "~".repeat(fill)), END_HEADERS);
        for (int i = 0; i < 3 && frame.readableBytes() - 9 != 16_384; i++) {
            fill += 16_384 - (frame.readableBytes() - 9);
            frame = frame(request("/files/f", TOKEN).add("x-filler", "~".repeat(fill)), END_HEADERS);
        }
        assertEquals(16_384, frame.readableBytes() - 9);
        assertNull(rewrite(frame));
    }

    // ---- helpers ----

    private ByteBuf learnt(String token) {
        ByteBuf frame = frame(request("/files/learn", token), END_HEADERS | END_STREAM);
        assertNull(rewrite(frame));
        return frame;
    }

    private static int huffmanLength(String token) {
        ByteBuf out = block(nghttp2Encoder(), new DefaultHttp2Headers().add("authorization", token));
        int length = out.readableBytes();
        out.release();
        return length;
    }

    /** Encodes as nghttp2 does: {@code authorization} never indexed, every value Huffman-coded where that is shorter. */
    private static DefaultHttp2HeadersEncoder nghttp2Encoder() {
        return new DefaultHttp2HeadersEncoder((name, value) -> "authorization".contentEquals(name), false, 64, 0);
    }

    private ByteBuf rewrite(ByteBuf frame) {
        return memo.rewrite(frame, frame.readerIndex(), ByteBufAllocator.DEFAULT);
    }

    private static Http2Headers request(String path, String token) {
        return new DefaultHttp2Headers().method("GET").scheme("http").authority("localhost").path(path)
                .add("authorization", token).add("user-agent", "h2load nghttp2/1.52.0");
    }

    private ByteBuf block(Http2Headers headers) {
        return block(client, headers);
    }

    private static ByteBuf block(DefaultHttp2HeadersEncoder encoder, Http2Headers headers) {
        ByteBuf out = Unpooled.buffer();
        try {
            encoder.encodeHeaders(1, headers, out);
        } catch (Http2Exception e) {
            throw new AssertionError(e);
        }
        return out;
    }

    private ByteBuf frame(Http2Headers headers, int flags) {
        return frame(block(headers), flags);
    }

    private static ByteBuf frame(ByteBuf block, int flags) {
        ByteBuf frame = Unpooled.buffer(9 + block.readableBytes());
        frame.writeMedium(block.readableBytes()).writeByte(HEADERS).writeByte(flags).writeInt(1).writeBytes(block);
        return frame;
    }

    /** Decodes a whole HEADERS frame (no padding, no priority) as the server's decoder, in sequence. */
    private Http2Headers decode(ByteBuf frame) throws Http2Exception {
        ByteBuf block = frame.slice(9, frame.readableBytes() - 9);
        return server.decodeHeaders(1, block);
    }

    private static void writeString(ByteBuf out, String value) {
        HpackIntegers.write(out, 0, value.length(), 7);
        out.writeCharSequence(value, StandardCharsets.US_ASCII);
    }
}

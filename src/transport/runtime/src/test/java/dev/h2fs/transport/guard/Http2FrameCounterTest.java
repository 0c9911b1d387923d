package dev.h2fs.transport.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

class Http2FrameCounterTest {

    private static byte[] frame(int type, int length) {
        byte[] f = new byte[9 + length];
        f[0] = (byte) (length >>> 16);
        f[1] = (byte) (length >>> 8);
        f[2] = (byte) length;
        f[3] = (byte) type;
        f[8] = 1;
        return f;
    }

    private static byte[] concat(byte[]... parts) {
        ByteBuf all = Unpooled.buffer();
        for (byte[] p : parts) {
            all.writeBytes(p);
        }
        byte[] out = new byte[all.readableBytes()];
        all.readBytes(out);
        return out;
    }

    @Test
    void countsDataPayloadOnlyNotPingsOrSettings() {
        Http2FrameCounter counter = new Http2FrameCounter();
        counter.accept(Unpooled.wrappedBuffer(concat(frame(0x4, 6), frame(0x6, 8), frame(0x0, 1000),
                frame(0x1, 20), frame(0x0, 24))));
        assertEquals(1024, counter.dataBytes());
        assertFalse(counter.lost());
    }

    @Test
    void followsFramesSplitAtAnyByte() {
        byte[] stream = concat(frame(0x6, 8), frame(0x0, 300), frame(0x8, 4), frame(0x0, 7));
        for (int cut = 0; cut <= stream.length; cut++) {
            Http2FrameCounter counter = new Http2FrameCounter();
            counter.accept(Unpooled.wrappedBuffer(stream, 0, cut));
            counter.accept(Unpooled.wrappedBuffer(stream, cut, stream.length - cut));
            assertEquals(307, counter.dataBytes(), "cut at " + cut);
        }
    }

    @Test
    void doesNotConsumeTheBuffer() {
        ByteBuf buf = Unpooled.wrappedBuffer(frame(0x0, 10));
        new Http2FrameCounter().accept(buf);
        assertEquals(19, buf.readableBytes());
    }

    @Test
    void anUnknownFrameTypeMeansTheCountIsLost() {
        Http2FrameCounter counter = new Http2FrameCounter();
        counter.accept(Unpooled.wrappedBuffer(frame(0x42, 0)));
        assertTrue(counter.lost());
    }
}

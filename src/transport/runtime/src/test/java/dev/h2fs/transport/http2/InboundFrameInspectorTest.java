package dev.h2fs.transport.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2ConnectionHandlerBuilder;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;

/**
 * The inspector in front of a real Netty server {@link Http2ConnectionHandler} (the one Vert.x extends), fed raw
 * client frames. The server answers every request that ends (with its HEADERS or its DATA) with {@code :status 200}
 * and END_STREAM, answers {@code /early} so at once, before its body, and resets a stream whose request path is
 * {@code /reset}.
 */
class InboundFrameInspectorTest {

    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int DATA = 0x0;
    private static final int HEADERS = 0x1;
    private static final int RST_STREAM = 0x3;
    private static final int SETTINGS = 0x4;
    private static final int PING = 0x6;
    private static final int GOAWAY = 0x7;
    private static final int CONTINUATION = 0x9;
    private static final int END_STREAM = 0x1;
    private static final int END_HEADERS = 0x4;
    private static final int ACK = 0x1;

    private final DefaultHttp2HeadersEncoder hpack = new DefaultHttp2HeadersEncoder();
    private EmbeddedChannel channel;
    private Server server;

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    /** A server channel: inspector, then Netty's HTTP/2 handler; the client's preface and SETTINGS already read. */
    private EmbeddedChannel server() {
        Server server = new Server();
        this.server = server;
        Http2ConnectionHandler http2 = new Http2ConnectionHandlerBuilder().server(true).frameListener(server).build();
        server.http2 = http2;
        channel = new EmbeddedChannel();
        channel.pipeline().addLast(InboundFrameInspector.HANDLER_NAME, new InboundFrameInspector());
        channel.pipeline().addLast(http2);
        channel.writeInbound(concat(PREFACE, frame(SETTINGS, 0, 0, new byte[0])));
        frames(); // the server's SETTINGS and ACK
        return channel;
    }

    @Test
    void headerBlockArrivingInOneReadStartsNoClock() {
        server();
        channel.writeInbound(request(1, true));
        assertEquals(-1, inspector().headerBlockWaitingSince());
    }

    @Test
    void headersFrameTrickledIsWaitingUntilItsLastByte() {
        server();
        byte[] wire = bytes(request(1, true));
        long before = System.nanoTime();
        for (int i = 0; i < wire.length - 1; i++) {
            channel.writeInbound(Unpooled.wrappedBuffer(new byte[] { wire[i] }));
        }
        long since = inspector().headerBlockWaitingSince();
        assertTrue(since >= before, "waiting since " + since + ", before " + before);
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] { wire[wire.length - 1] }));
        assertEquals(-1, inspector().headerBlockWaitingSince());
        assertEquals(List.of(new Frame(HEADERS, 1, -1)), frames());
    }

    @Test
    void headerBlockStaysWaitingAcrossContinuationsUntilEndHeaders() {
        server();
        byte[] block = block(get("/x"));
        int split = 4;
        channel.writeInbound(Unpooled.wrappedBuffer(frame(HEADERS, END_STREAM, 1, Arrays.copyOf(block, split))));
        long since = inspector().headerBlockWaitingSince();
        assertTrue(since >= 0);
        channel.writeInbound(Unpooled.wrappedBuffer(frame(CONTINUATION, 0, 1, new byte[0])));
        assertEquals(since, inspector().headerBlockWaitingSince(), "an empty CONTINUATION does not restart the clock");
        channel.writeInbound(Unpooled.wrappedBuffer(
                frame(CONTINUATION, END_HEADERS, 1, Arrays.copyOfRange(block, split, block.length))));
        assertEquals(-1, inspector().headerBlockWaitingSince());
        assertEquals(List.of(new Frame(HEADERS, 1, -1)), frames());
    }

    private InboundFrameInspector inspector() {
        return (InboundFrameInspector) channel.pipeline().get(InboundFrameInspector.HANDLER_NAME);
    }

    @Test
    void headersOnAStreamTheClientEndedIsAConnectionErrorStreamClosed() {
        server();
        channel.writeInbound(request(1, true));
        assertEquals(List.of(new Frame(HEADERS, 1, -1)), frames()); // the response; stream 1 is closed
        channel.writeInbound(request(1, true));
        assertEquals(List.of(goAway(Http2Error.STREAM_CLOSED)), frames());
        assertFalse(channel.isOpen());
    }

    @Test
    void secondHeadersInTheSameReadAsTheEndStreamIsAConnectionErrorStreamClosed() {
        server();
        channel.writeInbound(concat(request(1, true), request(1, true)));
        assertEquals(List.of(new Frame(HEADERS, 1, -1), goAway(Http2Error.STREAM_CLOSED)), frames());
        assertFalse(channel.isOpen());
    }

    @Test
    void skippedLowerStreamIdIsAConnectionErrorProtocolError() {
        server();
        channel.writeInbound(concat(request(5, true), request(3, true)));
        assertEquals(List.of(new Frame(HEADERS, 5, -1), goAway(Http2Error.PROTOCOL_ERROR)), frames());
        assertFalse(channel.isOpen());
    }

    @Test
    void framesSplitAcrossReadsByteByByteAreFollowed() {
        server();
        byte[] wire = bytes(concat(request(5, true), request(3, true)));
        for (int i = 0; i < wire.length && channel.isOpen(); i++) {
            channel.writeInbound(Unpooled.wrappedBuffer(new byte[] { wire[i] }));
        }
        assertEquals(List.of(new Frame(HEADERS, 5, -1), goAway(Http2Error.PROTOCOL_ERROR)), frames());
    }

    @Test
    void trailersInTheSameReadAsTheirRequestPass() {
        server();
        ByteBuf head = request(3, false); // HPACK: encode in wire order
        byte[] trailers = block(new DefaultHttp2Headers().set("x-checksum", "1"));
        channel.writeInbound(concat(head, frame(DATA, 0, 3, new byte[] { 1, 2 }),
                frame(HEADERS, END_STREAM | END_HEADERS, 3, trailers), request(5, true)));
        assertEquals(List.of(new Frame(HEADERS, 3, -1), new Frame(HEADERS, 5, -1)), frames());
        assertTrue(channel.isOpen());
    }

    @Test
    void lateHeadersOnAStreamTheServerResetAreLeftToNetty() {
        server();
        channel.writeInbound(Unpooled.wrappedBuffer(frame(HEADERS, END_HEADERS, 1, block(get("/reset")))));
        assertEquals(List.of(new Frame(RST_STREAM, 1, Http2Error.CANCEL.code())), frames());
        channel.writeInbound(concat(frame(HEADERS, END_STREAM | END_HEADERS, 1,
                block(new DefaultHttp2Headers().set("x-late", "1"))), request(3, true)));
        List<Frame> answers = frames();
        assertTrue(answers.stream().noneMatch(f -> f.type == GOAWAY), answers.toString());
        assertTrue(answers.contains(new Frame(HEADERS, 3, -1)), answers.toString());
        assertTrue(channel.isOpen());
    }

    @Test
    void consecutiveStreamsPass() {
        server();
        channel.writeInbound(concat(request(1, true), request(3, true)));
        channel.writeInbound(request(5, true));
        assertEquals(List.of(new Frame(HEADERS, 1, -1), new Frame(HEADERS, 3, -1), new Frame(HEADERS, 5, -1)),
                frames());
        assertTrue(channel.isOpen());
    }

    @Test
    void withoutAnHttp2HandlerBytesPassUntouched() {
        channel = new EmbeddedChannel(new InboundFrameInspector());
        ByteBuf request = Unpooled.copiedBuffer("GET / HTTP/1.1\r\n\r\n", StandardCharsets.US_ASCII);
        channel.writeInbound(request.retainedDuplicate());
        ByteBuf passed = channel.readInbound();
        assertEquals(request, passed);
        passed.release();
        request.release();
        assertNull(channel.readInbound());
    }

    // ---- client frames ----

    private ByteBuf request(int streamId, boolean endStream) {
        return Unpooled.wrappedBuffer(frame(HEADERS, END_HEADERS | (endStream ? END_STREAM : 0), streamId,
                block(get("/"))));
    }

    private static Http2Headers get(String path) {
        return new DefaultHttp2Headers().method("GET").scheme("http").authority("localhost").path(path);
    }

    @Test
    void aWriteToAStreamTheClientResetEndsThereNotInAConnectionError() {
        server();
        channel.writeInbound(request(1, false)); // a request whose body is still coming
        channel.writeInbound(Unpooled.wrappedBuffer(frame(RST_STREAM, 0, 1, new byte[] { 0, 0, 0, 8 })));
        // A response queued before the reset is written now, as Vert.x does, on a void promise.
        Http2ConnectionHandler http2 = channel.pipeline().get(Http2ConnectionHandler.class);
        ChannelHandlerContext http2Context = channel.pipeline().context(http2);
        http2.encoder().writeHeaders(http2Context, 1, new DefaultHttp2Headers().status("400"), 0, false,
                channel.voidPromise());
        http2.encoder().writeData(http2Context, 1, Unpooled.wrappedBuffer(new byte[] { 1 }), 0, true,
                channel.voidPromise());
        channel.checkException(); // nothing reached the end of the pipeline, where Vert.x would close
        assertTrue(channel.isOpen());
        assertEquals(List.of(), frames());
        channel.writeInbound(request(3, true));
        assertEquals(List.of(new Frame(HEADERS, 3, -1)), frames());
    }

    @Test
    void aResponseCompleteBeforeItsRequestEndsTheRequestBodyWithNoError() {
        server();
        channel.freezeTime();
        channel.writeInbound(Unpooled.wrappedBuffer(frame(HEADERS, END_HEADERS, 1, block(get("/early")))));
        assertEquals(List.of(new Frame(HEADERS, 1, -1)), frames());
        channel.advanceTimeBy(UnreadBodyReset.DELAY_MILLIS, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertEquals(List.of(new Frame(RST_STREAM, 1, 0)), frames());
        channel.writeInbound(request(3, false)); // a body still to come, response not yet written: left alone
        assertEquals(List.of(), frames());
        assertTrue(channel.isOpen());
    }

    // ---- a close from above: the two-phase GOAWAY of GracefulGoAway, which the inspector installs and tells of ACKs

    @Test
    void aCloseAnnouncesGoAwayAndPingAndStillServesStreamsTheClientSentMeanwhile() {
        server();
        channel.writeInbound(request(1, true));
        assertEquals(List.of(new Frame(HEADERS, 1, -1)), frames());

        closeFromAbove();
        assertEquals(List.of(new Frame(GOAWAY, Integer.MAX_VALUE, 0), new Frame(PING, 0, -1)), frames());
        assertTrue(channel.isOpen());

        channel.writeInbound(request(3, true)); // sent before the client read the GOAWAY: served, not refused
        assertEquals(List.of(new Frame(HEADERS, 3, -1)), frames());

        channel.writeInbound(Unpooled.wrappedBuffer(frame(PING, ACK, 0, new byte[8])));
        assertEquals(List.of(new Frame(GOAWAY, 3, 0)), frames());
        assertFalse(channel.isOpen(), "no stream left open: closed after the final GOAWAY");
    }

    @Test
    void withoutAPingAckTheFinalGoAwayFollowsAfterTheBound() {
        server();
        channel.freezeTime();
        channel.writeInbound(request(1, true));
        frames();
        closeFromAbove();
        assertEquals(List.of(new Frame(GOAWAY, Integer.MAX_VALUE, 0), new Frame(PING, 0, -1)), frames());

        channel.advanceTimeBy(GracefulGoAway.ACK_BOUND_MILLIS - 1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertTrue(channel.isOpen());
        channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertEquals(List.of(new Frame(GOAWAY, 1, 0)), frames());
        assertFalse(channel.isOpen());
    }

    @Test
    void aStreamStillOpenAtTheFinalGoAwayIsServedBeforeTheConnectionCloses() {
        server();
        channel.writeInbound(request(1, false)); // its body is still to come
        closeFromAbove();
        channel.writeInbound(Unpooled.wrappedBuffer(frame(PING, ACK, 0, new byte[8])));
        assertEquals(List.of(new Frame(GOAWAY, Integer.MAX_VALUE, 0), new Frame(PING, 0, -1),
                new Frame(GOAWAY, 1, 0)), frames());
        assertTrue(channel.isOpen(), "stream 1 is still open");
        channel.writeInbound(Unpooled.wrappedBuffer(frame(DATA, END_STREAM, 1, new byte[0])));
        assertEquals(List.of(new Frame(HEADERS, 1, -1)), frames());
        assertFalse(channel.isOpen());
    }

    /** As Vert.x closes a connection: from the pipeline's tail (EmbeddedChannel.close() would also cancel timers). */
    /**
     * A bearer token sent as nghttp2 sends it (never indexed, Huffman-coded) on every request of a connection: from the
     * second request on, Netty gets it as plain octets ({@link AuthorizationLiteralMemo}); every request's header list
     * is the one the client sent, a different token of the same length included.
     */
    @Test
    void repeatedAuthorizationReachesNettyAsPlainOctetsAndDecodesAsSent() {
        server();
        List<Integer> sizes = new ArrayList<>();
        channel.pipeline().addAfter(InboundFrameInspector.HANDLER_NAME, "sizes", new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                sizes.add(((ByteBuf) msg).readableBytes());
                ctx.fireChannelRead(msg);
            }
        });
        DefaultHttp2HeadersEncoder nghttp2 = new DefaultHttp2HeadersEncoder(
                (name, value) -> "authorization".contentEquals(name), false, 64, 0);
        String a = "Bearer " + "eyJhbGciOiJSUzI1NiJ9.".repeat(30);
        String b = a.substring(0, a.length() - 1) + "-"; // '.' and '-': Huffman codes of the same length
        List<String> sent = List.of(a, a, b, a, a);
        List<Integer> original = new ArrayList<>();
        int streamId = 1;
        for (String token : sent) {
            ByteBuf block = Unpooled.buffer();
            try {
                nghttp2.encodeHeaders(streamId, get("/").add("authorization", token), block);
            } catch (Http2Exception e) {
                throw new AssertionError(e);
            }
            byte[] frame = frame(HEADERS, END_HEADERS | END_STREAM, streamId, bytes(block));
            original.add(frame.length);
            channel.writeInbound(Unpooled.wrappedBuffer(frame));
            streamId += 2;
        }
        assertEquals(sent, server.authorizations);
        assertEquals(List.of(new Frame(HEADERS, 1, -1), new Frame(HEADERS, 3, -1), new Frame(HEADERS, 5, -1),
                new Frame(HEADERS, 7, -1), new Frame(HEADERS, 9, -1)), frames());
        assertEquals(original.get(0), sizes.get(0), "first sight: untouched");
        assertTrue(sizes.get(1) > original.get(1), "the same token again: plain octets");
        assertEquals(original.get(2), sizes.get(2), "another token: untouched, and now remembered");
        assertEquals(original.get(3), sizes.get(3), "the first token again: untouched, remembered again");
        assertTrue(sizes.get(4) > original.get(4), "and then plain octets");
    }

    private void closeFromAbove() {
        channel.pipeline().close();
    }

    private byte[] block(Http2Headers headers) {
        ByteBuf out = Unpooled.buffer();
        try {
            hpack.encodeHeaders(0, headers, out);
        } catch (Http2Exception e) {
            throw new AssertionError(e);
        }
        return bytes(out);
    }

    private static byte[] frame(int type, int flags, int streamId, byte[] payload) {
        ByteBuf f = Unpooled.buffer(9 + payload.length);
        f.writeMedium(payload.length).writeByte(type).writeByte(flags).writeInt(streamId).writeBytes(payload);
        return bytes(f);
    }

    private static ByteBuf concat(Object... parts) {
        ByteBuf all = Unpooled.buffer();
        for (Object part : parts) {
            if (part instanceof ByteBuf buf) {
                all.writeBytes(buf);
                buf.release();
            } else {
                all.writeBytes((byte[]) part);
            }
        }
        return all;
    }

    private static byte[] bytes(ByteBuf buf) {
        byte[] out = new byte[buf.readableBytes()];
        buf.readBytes(out);
        buf.release();
        return out;
    }

    // ---- server frames ----

    /** A frame the server wrote: its type, stream and, for RST_STREAM and GOAWAY, error code (else -1). */
    private record Frame(int type, int streamId, long error) {
    }

    /** Netty's connection errors (hard shutdown) carry the last stream id 2^31-1. */
    private static Frame goAway(Http2Error error) {
        return new Frame(GOAWAY, Integer.MAX_VALUE, error.code());
    }

    /** @return the frames the server wrote since the last call, SETTINGS and their ACKs left out */
    private List<Frame> frames() {
        ByteBuf out = Unpooled.buffer();
        for (Object msg; (msg = channel.readOutbound()) != null;) {
            out.writeBytes((ByteBuf) msg);
            ((ByteBuf) msg).release();
        }
        List<Frame> frames = new ArrayList<>();
        while (out.isReadable()) {
            int length = out.readUnsignedMedium();
            int type = out.readUnsignedByte();
            out.skipBytes(1);
            int streamId = out.readInt();
            ByteBuf payload = out.readSlice(length);
            if (type == GOAWAY) {
                frames.add(new Frame(type, payload.getInt(0), payload.getUnsignedInt(4)));
            } else if (type == RST_STREAM) {
                frames.add(new Frame(type, streamId, payload.getUnsignedInt(0)));
            } else if (type != SETTINGS) {
                frames.add(new Frame(type, streamId, -1));
            }
        }
        out.release();
        return frames;
    }

    /** Answers each ended request with 200, resets {@code /reset}. */
    private static final class Server extends Http2FrameAdapter {
        Http2ConnectionHandler http2;
        final List<String> authorizations = new ArrayList<>();

        @Override
        public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding,
                boolean endOfStream) {
            CharSequence authorization = headers.get("authorization");
            if (authorization != null) {
                authorizations.add(authorization.toString());
            }
            if ("/reset".contentEquals(String.valueOf(headers.path()))) {
                http2.resetStream(ctx, streamId, Http2Error.CANCEL.code(), ctx.newPromise());
            } else if (endOfStream || "/early".contentEquals(String.valueOf(headers.path()))) {
                http2.encoder().writeHeaders(ctx, streamId, new DefaultHttp2Headers().status("200"), 0, true,
                        ctx.newPromise());
            }
            ctx.flush();
        }

        @Override
        public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int streamDependency,
                short weight, boolean exclusive, int padding, boolean endOfStream) {
            onHeadersRead(ctx, streamId, headers, padding, endOfStream);
        }

        @Override
        public int onDataRead(ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding, boolean endOfStream) {
            if (endOfStream) {
                http2.encoder().writeHeaders(ctx, streamId, new DefaultHttp2Headers().status("200"), 0, true,
                        ctx.newPromise());
                ctx.flush();
            }
            return data.readableBytes() + padding;
        }
    }
}

package dev.h2fs.transport.http2;

import org.jboss.logging.Logger;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Flags;
import io.netty.handler.codec.http2.Http2FrameTypes;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.util.ReferenceCountUtil;

import dev.h2fs.transport.loop.PeerHangUp;

/**
 * Reads the client's HTTP/2 frame headers just before Netty's {@link Http2ConnectionHandler} decodes them, and gives
 * the RFC 9113 answer where Netty's decoder, which forgets a stream once it is closed, gives a milder one: a HEADERS
 * frame on a client stream identifier that is not new (not above every identifier the client used before).
 * <ul>
 * <li>the stream is still open, or this side reset it: the frame goes to Netty (trailers; a reset stream's late
 * frames are ignored there, section 5.1 "closed");</li>
 * <li>the client ended the stream (END_STREAM received: half-closed (remote) or closed): connection error
 * STREAM_CLOSED (section 5.1 "closed": "any frames after receiving a frame with the END_STREAM flag set MUST [be
 * treated] as a connection error of type STREAM_CLOSED"; for half-closed (remote) the section asks for a stream
 * error, which section 5.4 lets us widen to the connection: dropping a HEADERS frame and keeping the connection would
 * leave HPACK's dynamic table behind the client's);</li>
 * <li>the client skipped the identifier earlier: connection error PROTOCOL_ERROR (section 5.1.1, "numerically greater
 * than all streams that the initiating endpoint has opened");</li>
 * <li>the stream was closed otherwise (reset by the client, or forgotten): connection error STREAM_CLOSED.</li>
 * </ul>
 * Netty, without this, answers all of these with RST_STREAM (h2spec strict: {@code http2/5.1/6}, {@code 5.1/12},
 * {@code 5.1.1/2}). The error goes through {@link Http2ConnectionHandler#onError}, as the decoder's own connection
 * errors do: GOAWAY, then close.
 * <p>
 * Cost: only the 9-byte frame headers are read (payloads are skipped by length); no allocation per frame. A HEADERS
 * frame on a known identifier (trailers) first hands Netty the frames before it, so that Netty's view of the stream is
 * current (one slice). Resets this side sends are seen on the way out: Netty's frame writer writes each RST_STREAM as
 * one 13-byte buffer; should that change, the only effect is that late frames on a reset stream get the connection
 * error instead of being ignored.
 * <p>
 * Placement: installed at the end of the fresh pipeline, so Vert.x puts its HTTP/2 handler (prior knowledge, ALPN
 * {@code h2}) or HTTP/1.x decoder behind it. The first read decides: with an HTTP/2 handler behind it the inspector
 * starts at the client's connection preface; otherwise it passes bytes on untouched. An h2c upgrade removes it with the
 * HTTP/1.x handlers; it then puts a fresh copy of itself right before the HTTP/2 handler, which sees the preface next.
 * <p>
 * Being where a connection turns out to speak HTTP/2, it also starts the worker's {@link StreamBudget} counting the
 * connection's streams (and granting upload streams their window, {@link UploadWindow}), and it notes since when a request's header block has been arriving
 * ({@link #headerBlockWaitingSince}), which the connection guard bounds in time as it does HTTP/1.1 request heads: the
 * codec bounds a header block's size, not how slowly it comes. It puts the connection's {@link GracefulGoAway} right
 * after the HTTP/2 handler, and tells it when the client acknowledges a PING; it ends request bodies nobody will read
 * ({@link UnreadBodyReset}) and keeps a write to a stream the client closed from ending the connection. Before a read
 * opens streams it asks whether the client has hung up meanwhile ({@link PeerHangUp}); if so the read is dropped
 * unserved and the connection closed, so that requests abandoned in the receive buffer cost nothing.
 * <p>
 * A HEADERS frame that arrives whole goes past the connection's {@link AuthorizationLiteralMemo}, which gives Netty an
 * {@code authorization} value it has seen before as plain octets instead of Huffman code (the same header list, without
 * decoding the same ~800 bytes of a bearer token on every request).
 * <p>
 * Thread: the connection's event loop (Netty's handler contract).
 */
public final class InboundFrameInspector extends ChannelDuplexHandler {

    private static final Logger LOG = Logger.getLogger(InboundFrameInspector.class);

    /** Name of the inspector in the pipeline. */
    public static final String HANDLER_NAME = "h2fs-frame-inspector";

    private static final int PREFACE_LENGTH = 24;
    private static final int RST_STREAM_PAYLOAD_LENGTH = 4;

    private enum Mode {
        /** nothing read yet */
        UNKNOWN,
        /** HTTP/1.x: bytes pass untouched */
        HTTP1,
        /** HTTP/2: frame headers are read */
        HTTP2,
        /** a connection error was raised: the rest is dropped while Netty sends GOAWAY and closes */
        FAILED
    }

    private Mode mode = Mode.UNKNOWN;
    private Http2ConnectionHandler http2;
    private ChannelHandlerContext http2Context;
    private GracefulGoAway goAway;
    private boolean pingAckRead;
    private final ClientStreamHistory streams = new ClientStreamHistory();
    private final AuthorizationLiteralMemo authorization = new AuthorizationLiteralMemo();

    // Position in the client's byte stream: preface bytes still to skip, then frame by frame.
    private int prefaceLeft = PREFACE_LENGTH;
    private int payloadLeft;
    private final FrameHeaderReader header = new FrameHeaderReader();

    // Header block: open from a HEADERS frame's header until the whole frame carrying END_HEADERS has arrived. Its
    // clock starts only when a read ends inside it, so a request whose headers arrive in one read costs no clock call.
    private boolean inHeaderBlock;
    private boolean frameEndsHeaderBlock;
    private long headerBlockWaitingSince = -1;

    // Whether this read has asked if the client hung up: once per read that opens streams, at its first new stream.
    private boolean hangUpAsked;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (mode == Mode.UNKNOWN && msg instanceof ByteBuf) {
            chooseMode(ctx.pipeline());
        }
        if (mode == Mode.HTTP2 && msg instanceof ByteBuf buf) {
            inspect(ctx, buf);
        } else if (mode == Mode.FAILED) {
            ReferenceCountUtil.release(msg);
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    private void chooseMode(ChannelPipeline pipeline) {
        ChannelHandlerContext context = pipeline.context(Http2ConnectionHandler.class);
        if (context == null) {
            mode = Mode.HTTP1;
            StreamTakeover takeover = pipeline.channel().attr(StreamTakeover.KEY).get();
            if (takeover != null) {
                takeover.installHttp1(pipeline);
            }
            return;
        }
        http2Context = context;
        http2 = (Http2ConnectionHandler) context.handler();
        streams.seed(http2.connection().remote().lastStreamCreated());
        StreamBudget budget = context.channel().attr(StreamBudget.KEY).get();
        if (budget != null) {
            budget.watch(http2.connection());
            http2.connection().addListener(new UploadWindow(http2.connection(), budget));
        }
        http2.connection().addListener(new UnreadBodyReset(http2, context));
        StreamTakeover takeover = context.channel().attr(StreamTakeover.KEY).get();
        if (takeover != null) {
            takeover.install(http2, context);
        }
        goAway = new GracefulGoAway(http2, context);
        pipeline.addAfter(context.name(), GracefulGoAway.HANDLER_NAME, goAway);
        mode = Mode.HTTP2;
    }

    private void inspect(ChannelHandlerContext ctx, ByteBuf buf) {
        hangUpAsked = false;
        int forwarded = buf.readerIndex(); // bytes before this index have gone to Netty
        int index = forwarded;
        int end = buf.writerIndex();
        int headerStart = forwarded; // where the current frame header's bytes begin in buf
        while (index < end) {
            if (prefaceLeft > 0 || payloadLeft > 0) {
                int skip = Math.min(prefaceLeft > 0 ? prefaceLeft : payloadLeft, end - index);
                if (prefaceLeft > 0) {
                    prefaceLeft -= skip;
                } else {
                    payloadLeft -= skip;
                    if (payloadLeft == 0 && frameEndsHeaderBlock) {
                        endHeaderBlock();
                    }
                }
                index += skip;
                continue;
            }
            if (!header.partial()) {
                headerStart = index;
            }
            index = header.read(buf, index, end);
            if (!header.complete()) {
                continue;
            }
            payloadLeft = header.payloadLength();
            int type = header.type();
            int streamId = header.streamId();
            if (type == Http2FrameTypes.PING && (header.flags() & Http2Flags.ACK) != 0) {
                pingAckRead = true;
            }
            if (type == Http2FrameTypes.HEADERS || type == Http2FrameTypes.CONTINUATION) {
                inHeaderBlock = true;
                frameEndsHeaderBlock = (header.flags() & Http2Flags.END_HEADERS) != 0;
                if (payloadLeft == 0 && frameEndsHeaderBlock) {
                    endHeaderBlock();
                }
            }
            // Even identifiers and stream 0 are Netty's to refuse (section 5.1.1: PROTOCOL_ERROR, which it does).
            if (type != Http2FrameTypes.HEADERS || (streamId & 1) == 0) {
                continue;
            }
            if (streams.opens(streamId)) {
                if (!hangUpAsked) {
                    hangUpAsked = true;
                    if (PeerHangUp.seen(ctx.channel())) {
                        abandon(ctx, buf, forwarded);
                        return;
                    }
                }
                if (index - headerStart == FrameHeaderReader.LENGTH
                        && payloadLeft <= end - index) {
                    ByteBuf rewritten = authorization.rewrite(buf, headerStart, ctx.alloc());
                    if (rewritten != null) {
                        if (headerStart > forwarded) {
                            ctx.fireChannelRead(buf.retainedSlice(forwarded, headerStart - forwarded));
                        }
                        index += payloadLeft;
                        payloadLeft = 0;
                        forwarded = index;
                        endHeaderBlock();
                        ctx.fireChannelRead(rewritten);
                    }
                }
                continue;
            }
            if (headerStart > forwarded) {
                ctx.fireChannelRead(buf.retainedSlice(forwarded, headerStart - forwarded));
                forwarded = headerStart;
            }
            Http2Error error = judge(streamId);
            if (error != null) {
                buf.release();
                fail(error, streamId);
                return;
            }
        }
        if (inHeaderBlock && headerBlockWaitingSince < 0) {
            headerBlockWaitingSince = System.nanoTime();
        }
        buf.readerIndex(forwarded);
        if (buf.isReadable()) {
            ctx.fireChannelRead(buf);
        } else {
            buf.release(); // all of it went to Netty already, the last frame rewritten
        }
        if (pingAckRead) {
            // After the frames read with the ACK have reached Netty: the streams they open count as opened.
            pingAckRead = false;
            goAway.pingAcknowledged();
        }
    }

    /**
     * Drops the rest of a read whose client has hung up, and the connection: the streams it would open are not served
     * (nobody can receive their responses, and Netty closes the connection after this read anyway). Streams already
     * open are closed with the connection, which ends their requests (close handlers run).
     */
    private void abandon(ChannelHandlerContext ctx, ByteBuf buf, int forwarded) {
        mode = Mode.FAILED;
        buf.release();
        StreamBudget budget = ctx.channel().attr(StreamBudget.KEY).get();
        if (budget != null) {
            budget.abandoned();
        }
        LOG.debugf("client hung up on %s: its unread requests are dropped (%d bytes already decoded)", ctx.channel(),
                forwarded);
        ctx.channel().close();
    }

    private void endHeaderBlock() {
        inHeaderBlock = false;
        frameEndsHeaderBlock = false;
        headerBlockWaitingSince = -1;
    }

    /**
     * For the connection guard's request head timeout: a request's header block (HEADERS and its CONTINUATION frames)
     * that is still arriving, byte by byte or frame by frame, is an HTTP/2 request head that has not arrived yet.
     *
     * @return the {@link System#nanoTime()} of the first read that ended inside the header block now arriving, or -1
     *         if none is
     */
    public long headerBlockWaitingSince() {
        return headerBlockWaitingSince;
    }

    /** @return the connection error a HEADERS frame on the known client stream {@code streamId} deserves, or null */
    private Http2Error judge(int streamId) {
        if (!http2Context.channel().isActive()) {
            return null; // Netty already failed the connection on an earlier frame of this read
        }
        Http2Connection connection = http2.connection();
        Http2Stream stream = connection.stream(streamId);
        if (stream != null) {
            if (stream.isResetSent()) {
                return null;
            }
            Http2Stream.State state = stream.state();
            return state == Http2Stream.State.HALF_CLOSED_REMOTE || state == Http2Stream.State.CLOSED
                    ? Http2Error.STREAM_CLOSED
                    : null;
        }
        if (connection.goAwaySent() && streamId > connection.remote().lastStreamKnownByPeer()) {
            return null; // Netty ignores streams above the GOAWAY's last stream id
        }
        if (streams.skipped(streamId)) {
            return Http2Error.PROTOCOL_ERROR;
        }
        return streams.wasResetSent(streamId) ? null : Http2Error.STREAM_CLOSED;
    }

    private void fail(Http2Error error, int streamId) {
        mode = Mode.FAILED;
        String reason = error == Http2Error.PROTOCOL_ERROR
                ? "HEADERS on stream %d, below the highest stream id the client opened"
                : "HEADERS on closed stream %d";
        http2.onError(http2Context, false, Http2Exception.connectionError(error, reason, streamId));
        http2Context.flush();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (mode == Mode.HTTP2 && msg instanceof ByteBuf buf
                && buf.readableBytes() == FrameHeaderReader.LENGTH + RST_STREAM_PAYLOAD_LENGTH) {
            int at = buf.readerIndex();
            if (buf.getUnsignedMedium(at) == RST_STREAM_PAYLOAD_LENGTH
                    && buf.getByte(at + 3) == Http2FrameTypes.RST_STREAM) {
                streams.resetSent(buf.getInt(at + 5) & Integer.MAX_VALUE);
            }
        }
        ctx.write(msg, promise);
    }

    /**
     * A write to a stream that has closed meanwhile is a stream-level event, not a connection error. Vert.x queues a
     * response written from a worker thread (a blocking method's answer) and checks for a reset only when queueing; if
     * the client resets the stream before the queued write runs, Netty fails the write's void promise with "Stream no
     * longer exists", which Netty fires here as an exception, and Vert.x's handler then closes the whole connection:
     * every other stream on it lost (seen: an upload reset mid-body took its neighbour down with it). The stream is
     * gone and the write's buffer released; nothing is left to do, so the exception goes no further.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (mode == Mode.HTTP2 && isWriteToClosedStream(cause)) {
            LOG.debugf("write to a closed stream dropped on %s: %s", ctx.channel(), cause.getMessage());
            return;
        }
        ctx.fireExceptionCaught(cause);
    }

    /** Netty's failures of a HEADERS (IllegalStateException) or DATA (IllegalArgumentException) write, only those. */
    static boolean isWriteToClosedStream(Throwable cause) {
        return (cause instanceof IllegalArgumentException || cause instanceof IllegalStateException)
                && cause.getMessage() != null && cause.getMessage().startsWith("Stream no longer exists: ");
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        // Only the h2c upgrade removes us while the connection lives, together with the HTTP/1.x handlers.
        Channel channel = ctx.channel();
        if (mode == Mode.HTTP1 && channel.isOpen() && channel.isRegistered()) {
            ChannelHandlerContext next = ctx.pipeline().context(Http2ConnectionHandler.class);
            if (next != null) {
                ctx.pipeline().addBefore(next.name(), HANDLER_NAME, new InboundFrameInspector());
            }
        }
    }

    /** Installs an inspector at the end of {@code channel}'s pipeline (call right after Vert.x set it up). */
    public static void install(Channel channel) {
        assert channel.eventLoop().inEventLoop();
        channel.pipeline().addLast(HANDLER_NAME, new InboundFrameInspector());
    }
}

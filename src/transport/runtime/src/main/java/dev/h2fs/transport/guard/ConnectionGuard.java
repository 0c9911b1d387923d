package dev.h2fs.transport.guard;

import org.jboss.logging.Logger;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.MessageSizeEstimator;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2RemoteFlowController;
import io.netty.handler.ssl.SslHandler;

import dev.h2fs.transport.http2.InboundFrameInspector;
import dev.h2fs.transport.loop.LingeringClose;

/**
 * Watches one connection for the two ways a client can hold it without using it, and closes it when one lasts too
 * long:
 * <ul>
 * <li><b>request head timeout</b> (slowloris): a request head (HTTP/1.1), or the connection preface and first SETTINGS
 * or a request's header block (HTTP/2: HEADERS and CONTINUATION frames, as followed by the
 * {@link InboundFrameInspector}), that takes longer than {@link GuardLimits#requestHeaderNanos()} to arrive, however
 * steadily its bytes trickle in;</li>
 * <li><b>write stall</b> (zero-window and non-reading clients): response bytes that wait longer than
 * {@link GuardLimits#writeStallNanos()} with none of them leaving, either in the socket's outbound buffer (the client
 * does not read) or, for HTTP/2, in Netty's flow controller (the client keeps its window at zero; the channel buffer is
 * then empty and the socket may even carry PING acknowledgements, so the guard counts DATA bytes, not socket
 * bytes).</li>
 * </ul>
 * The guard is a passive recorder on the I/O path (a {@link GuardHandler} next to the socket, behind only the
 * {@link LingeringClose}, and, for HTTP/1.1, an
 * {@link Http1HeadObserver} after Vert.x's request decoder); the decision is made by {@link #check}, which the worker
 * calls from its heartbeat for every connection it owns, so no timer is scheduled per connection.
 * <p>
 * Failure policy: a violation closes this connection only, through its {@link LingeringClose} (HTTP/2 write stall:
 * GOAWAY(ENHANCE_YOUR_CALM) first, best effort; a write stall drops the output the client has not taken instead of
 * waiting for it). It is counted by the worker and logged at DEBUG: a hostile client must not be able to flood the
 * log.
 * <p>
 * Thread: every method runs on the connection's event loop (asserted where the guard is entered from outside the
 * pipeline).
 */
public final class ConnectionGuard {

    private static final Logger LOG = Logger.getLogger(ConnectionGuard.class);

    /** Name of the guard's handler, next to the socket (only the lingering close is nearer). */
    public static final String HANDLER_NAME = "h2fs-guard";
    /** Name of the guard's plaintext handler, right after the TLS handler (TLS connections only). */
    static final String PLAINTEXT_HANDLER_NAME = "h2fs-guard-plaintext";
    /** Name of the HTTP/1.1 head observer, right after Vert.x's decoder. */
    static final String HTTP1_OBSERVER_NAME = "h2fs-guard-http1";
    /** Vert.x's name for its HTTP/1.x request decoder ({@code HttpServerWorker.configureHttp1Pipeline}). */
    static final String VERTX_HTTP1_DECODER = "httpDecoder";

    /** What a connection did wrong. */
    public enum Violation {
        /** the request head or HTTP/2 preface took longer than the request head timeout */
        REQUEST_HEAD_TIMEOUT,
        /** response bytes waited longer than the write stall timeout without progress */
        WRITE_STALL,
        /** no byte read or written for the idle timeout */
        IDLE
    }

    private enum Protocol {
        /** Vert.x has not yet seen enough bytes to choose HTTP/1.x or h2c prior knowledge */
        UNKNOWN, HTTP1, HTTP2
    }

    private final GuardLimits limits;
    private Channel channel;
    private MessageSizeEstimator.Handle sizes;
    private Protocol protocol = Protocol.UNKNOWN;
    private Http2ConnectionHandler http2;

    // Request head. Waiting starts at connect; for HTTP/1.1 it ends with each parsed head and starts again with the
    // first byte after a request's end (keep-alive pauses between requests belong to idle-timeout, not to us).
    private boolean awaitingHead = true;
    private long awaitingHeadSince = System.nanoTime();
    private boolean betweenRequests;
    private boolean upgradeRequested;

    // Writes. bytesQueued - (bytes still in the outbound buffer) + (progress of the one being written) grows exactly
    // when the kernel takes bytes; both terms use the channel's own size estimator, as the outbound buffer does.
    private long bytesQueued;
    private boolean countingFrames;
    private final Http2FrameCounter frames = new Http2FrameCounter();
    private final ProgressWatch socketProgress = new ProgressWatch();
    private final ProgressWatch flowProgress = new ProgressWatch();

    // Idle: activity is counted on the I/O path (a plain increment per read, the write byte count) and turned into
    // time only by the heartbeat, so no read or write pays for a clock call, as Netty's IdleStateHandler's do.
    private long reads;
    private long activityMark = -1;
    private long lastActiveNanos = System.nanoTime();

    /** @param limits what to enforce; must be {@link GuardLimits#enabled()} */
    public ConnectionGuard(GuardLimits limits) {
        this.limits = limits;
    }

    /**
     * Puts the guard in front of the pipeline Vert.x has just set up on {@code channel} (call it after Vert.x's
     * initializer, on the channel's loop).
     */
    public void install(Channel channel) {
        assert channel.eventLoop().inEventLoop();
        this.channel = channel;
        this.sizes = channel.config().getMessageSizeEstimator().newHandle();
        ChannelPipeline pipeline = channel.pipeline();
        ChannelHandlerContext tls = pipeline.context(SslHandler.class);
        if (tls == null) {
            pipeline.addFirst(HANDLER_NAME, new GuardHandler(this, true, true));
        } else {
            // Next to the socket the bytes are ciphertext: count them there, but read requests and HTTP/2 frames
            // behind the TLS handler, in plaintext.
            pipeline.addFirst(HANDLER_NAME, new GuardHandler(this, true, false));
            pipeline.addAfter(tls.name(), PLAINTEXT_HANDLER_NAME, new GuardHandler(this, false, true));
        }
    }

    /**
     * Decides whether the connection broke a limit. Called on each heartbeat of the owning worker; the caller closes
     * the offenders with {@link #close} after it finished iterating its connections.
     *
     * @param nowNanos the heartbeat's {@link System#nanoTime()}
     * @return the violation, or {@code null}
     */
    public Violation check(long nowNanos) {
        assert channel == null || channel.eventLoop().inEventLoop();
        if (channel == null || !channel.isActive() || LingeringClose.closing(channel)) {
            return null; // a lingering close is bounded on its own; its connection is no longer served
        }
        findHttp2AfterUpgrade();
        if (limits.idleNanos() > 0) {
            // Bytes the kernel took count as activity, so one large response slowly read is not "idle".
            long mark = reads + sentMark();
            if (mark != activityMark) {
                activityMark = mark;
                lastActiveNanos = nowNanos;
            } else if (nowNanos - lastActiveNanos > limits.idleNanos()) {
                return Violation.IDLE;
            }
        }
        if (limits.requestHeaderNanos() > 0) {
            if (awaitingHead && protocol == Protocol.HTTP2 && http2.decoder().prefaceReceived()) {
                awaitingHead = false; // from here on, each request's header block is watched instead
            }
            if (awaitingHead && nowNanos - awaitingHeadSince > limits.requestHeaderNanos()) {
                return Violation.REQUEST_HEAD_TIMEOUT;
            }
            if (protocol == Protocol.HTTP2 && headerBlockOverdue(nowNanos)) {
                return Violation.REQUEST_HEAD_TIMEOUT;
            }
        }
        if (limits.writeStallNanos() > 0) {
            ChannelOutboundBuffer out = channel.unsafe().outboundBuffer();
            boolean socketWaiting = out != null && (out.totalPendingWriteBytes() > 0 || !out.isEmpty());
            long socketMark = sentMark();
            long socketStall = socketProgress.observe(nowNanos, socketWaiting, socketMark);
            long flowStall = 0;
            if (countingFrames && !frames.lost()) {
                flowStall = flowProgress.observe(nowNanos, hasFlowControlledData(), frames.dataBytes());
            }
            if (Math.max(socketStall, flowStall) > limits.writeStallNanos()) {
                return Violation.WRITE_STALL;
            }
        }
        return null;
    }

    /** @return whether an HTTP/2 request's header block has been arriving for longer than the request head timeout */
    private boolean headerBlockOverdue(long nowNanos) {
        InboundFrameInspector inspector = channel.pipeline().get(InboundFrameInspector.class);
        long since = inspector == null ? -1 : inspector.headerBlockWaitingSince();
        return since >= 0 && nowNanos - since > limits.requestHeaderNanos();
    }

    /** A number that grows exactly when the kernel takes bytes of this connection's output. */
    private long sentMark() {
        ChannelOutboundBuffer out = channel.unsafe().outboundBuffer();
        return out == null ? bytesQueued : bytesQueued - out.totalPendingWriteBytes() + out.currentProgress();
    }

    /** Closes the connection for {@code violation}: HTTP/2 write stalls get a GOAWAY first (best effort). */
    public void close(Violation violation) {
        assert channel.eventLoop().inEventLoop();
        LOG.debugf("closing %s: %s", channel, violation);
        ChannelHandlerContext guardContext = channel.pipeline().context(HANDLER_NAME);
        if (violation == Violation.WRITE_STALL && http2 != null) {
            ChannelHandlerContext http2Context = channel.pipeline().context(http2);
            if (http2Context != null) {
                int lastStreamId = http2.connection().remote().lastStreamCreated();
                http2.goAway(http2Context, lastStreamId, Http2Error.ENHANCE_YOUR_CALM.code(),
                        ByteBufUtil.writeAscii(channel.alloc(), "write stalled"), http2Context.newPromise());
                http2Context.flush();
            }
        }
        if (violation == Violation.WRITE_STALL) {
            // The client takes no bytes: waiting for the queued ones would only hold them until the linger's bound.
            LingeringClose.dropQueuedOutputOnClose(channel);
        }
        // Closing from the guard's own context, next to the socket, skips Http2ConnectionHandler's graceful close,
        // which would wait for the very streams that are stuck; only the lingering close (first) is still passed.
        if (guardContext != null) {
            guardContext.close();
        } else {
            channel.close();
        }
    }

    private boolean hasFlowControlledData() {
        Http2Connection connection = http2.connection();
        Http2RemoteFlowController flow = connection.remote().flowController();
        try {
            return connection.forEachActiveStream(stream -> !flow.hasFlowControlled(stream)) != null;
        } catch (Http2Exception e) {
            return false; // the visitor throws nothing
        }
    }

    /** An HTTP/1.1 connection that asked for h2c may have switched since: from then on it is watched as HTTP/2. */
    private void findHttp2AfterUpgrade() {
        if (upgradeRequested && http2 == null) {
            Http2ConnectionHandler handler = channel.pipeline().get(Http2ConnectionHandler.class);
            if (handler != null) {
                becomeHttp2(handler);
            }
        }
    }

    private void becomeHttp2(Http2ConnectionHandler handler) {
        if (protocol == Protocol.HTTP1) {
            // h2c upgrade: the 101 is out, now the client's preface is due.
            awaitingHead = true;
            awaitingHeadSince = System.nanoTime();
        }
        http2 = handler;
        protocol = Protocol.HTTP2;
    }

    // ---- Recording, called by GuardHandler and Http1HeadObserver on the loop ----

    /** @return whether Vert.x has not chosen the protocol yet (its h2c detector still decides byte by byte) */
    boolean protocolUnknown() {
        return protocol == Protocol.UNKNOWN;
    }

    /**
     * After a byte went through Vert.x's protocol detector: looks whether it has set up HTTP/1.x or HTTP/2 and, for
     * HTTP/1.x, slips the head observer in behind the decoder before the next byte arrives.
     */
    void afterDetectorStep(ChannelPipeline pipeline) {
        if (pipeline.get(VERTX_HTTP1_DECODER) != null) {
            protocol = Protocol.HTTP1;
            pipeline.addAfter(VERTX_HTTP1_DECODER, HTTP1_OBSERVER_NAME, new Http1HeadObserver(this));
        } else {
            Http2ConnectionHandler handler = pipeline.get(Http2ConnectionHandler.class);
            if (handler != null) {
                becomeHttp2(handler);
            }
        }
    }

    /** Bytes arrived (after the protocol is known). */
    void onBytesRead() {
        reads++;
        if (betweenRequests) {
            betweenRequests = false;
            awaitingHead = true;
            awaitingHeadSince = System.nanoTime();
        }
    }

    /** HTTP/1.x: a request head was parsed. */
    void onRequestHead(boolean upgrade) {
        awaitingHead = false;
        betweenRequests = false;
        upgradeRequested |= upgrade;
    }

    /** HTTP/1.x: the last content of a request was parsed. */
    void onRequestEnd() {
        betweenRequests = true;
    }

    /** A message is on its way into the socket's outbound buffer. */
    void onSocketWrite(Object msg) {
        bytesQueued += sizes.size(msg);
    }

    /** A plaintext message is on its way out (the same message as the socket's, without TLS). */
    void onPlaintextWrite(Object msg) {
        if (!countingFrames && (protocol != Protocol.HTTP1 || upgradeRequested)) {
            // The server's HTTP/2 byte stream starts with the first write after Http2ConnectionHandler joined the
            // pipeline (its SETTINGS frame): prior knowledge, during detection; h2c upgrade, after the 101 response.
            Http2ConnectionHandler handler = channel.pipeline().get(Http2ConnectionHandler.class);
            if (handler != null) {
                becomeHttp2(handler);
                countingFrames = true;
            }
        }
        if (countingFrames) {
            if (msg instanceof ByteBuf buf) {
                frames.accept(buf);
            } else {
                frames.lose(); // not bytes: we can no longer tell where frames start
            }
        }
    }

    /** @return whether the channel is still open (a removed handler re-installs itself only then) */
    boolean channelOpen() {
        return channel.isOpen() && channel.isRegistered();
    }
}

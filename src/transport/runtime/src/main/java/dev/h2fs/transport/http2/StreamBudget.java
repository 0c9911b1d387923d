package dev.h2fs.transport.http2;

import java.util.concurrent.atomic.AtomicLong;

import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.util.AttributeKey;

/**
 * Bounds the HTTP/2 streams open at once on one worker, across all its connections. SETTINGS_MAX_CONCURRENT_STREAMS
 * bounds one connection only: a thousand connections at a hundred streams each may hold a hundred thousand requests, a
 * few KiB of heap apiece until their responses are written. Whenever the server falls behind, open streams pile up, and
 * a heap that cannot hold them collapses in back-to-back full collections instead of serving anyone (seen: a 256 MiB
 * heap under {@code h2load -c1000 -m100}, 355 full collections in a row and nothing served). Beyond the
 * budget a new stream is refused with RST_STREAM(REFUSED_STREAM), which tells the client that nothing was processed
 * and that it may retry (RFC 9113 section 8.7), before any routing state is built for it.
 * <p>
 * Counting is exact: a listener on each connection follows streams becoming active and closing (a connection that
 * goes away closes its streams first).
 * <p>
 * Thread: {@link #watch}, {@link #admit} and {@link #open} on the worker's loop, where all its connections live; the
 * limit may be set from any thread (a restart sets it before connections arrive); {@link #refused} from any thread.
 */
public final class StreamBudget {

    /** The channel attribute through which a connection finds its worker's budget. */
    public static final AttributeKey<StreamBudget> KEY = AttributeKey.valueOf(StreamBudget.class, "budget");

    /**
     * Heap an open stream holds, from the worse of the two request paths, measured 2026-12-02 (10,000 GETs held open
     * by clients whose stream windows are 0, heap used after full GCs, JDK 17): 4,321 bytes on Vert.x's HTTP path,
     * 3,056 on the REST fast path. 4.5 KiB, so that the budget holds whichever path the streams take.
     */
    static final long BYTES_PER_STREAM = 4608;

    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong abandoned = new AtomicLong();
    private volatile int limit = Integer.MAX_VALUE;
    private volatile int perConnection = Integer.MAX_VALUE;
    private int open;

    /**
     * The default budget: a quarter of the maximum heap at {@value #BYTES_PER_STREAM} bytes per stream, shared among
     * the workers, so that open streams cannot take more than about a quarter of the heap.
     *
     * @param maxHeapBytes the heap's upper bound ({@code Runtime.maxMemory()})
     * @param workers the number of workers sharing it
     * @return streams per worker, at least 1
     */
    public static int defaultLimit(long maxHeapBytes, int workers) {
        long perWorker = maxHeapBytes / 4 / BYTES_PER_STREAM / Math.max(1, workers);
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, perWorker));
    }

    /** Sets the most streams open at once; at least 1. */
    public void limit(int streams) {
        if (streams < 1) {
            throw new IllegalArgumentException(
                    "h2fs.transport.http2.max-streams-per-worker must be at least 1, was " + streams);
        }
        this.limit = streams;
    }

    /**
     * Sets the most streams open at once on one connection: the SETTINGS_MAX_CONCURRENT_STREAMS the server announces.
     * Netty applies an announced limit only once the client acknowledges the SETTINGS frame; a client that never does
     * could open streams without bound until then. {@link #watch} enforces it from the connection's first frame
     * (RFC 9113 section 5.1.2 allows REFUSED_STREAM for streams over it, which Netty then sends).
     */
    public void limitPerConnection(int streams) {
        if (streams < 1) {
            throw new IllegalArgumentException(
                    "h2fs.transport.http2.max-concurrent-streams must be at least 1, was " + streams);
        }
        this.perConnection = streams;
    }

    /** @return the most streams open at once */
    public int limit() {
        return limit;
    }

    /**
     * Starts counting {@code connection}'s streams, including those already open (the h2c upgrade's stream 1), and
     * holds the connection to the per-connection limit at once.
     */
    public void watch(Http2Connection connection) {
        if (connection.remote().maxActiveStreams() > perConnection) {
            connection.remote().maxActiveStreams(perConnection);
        }
        open += connection.numActiveStreams();
        connection.addListener(new Http2ConnectionAdapter() {
            @Override
            public void onStreamActive(Http2Stream stream) {
                open++;
            }

            @Override
            public void onStreamClosed(Http2Stream stream) {
                open--;
            }
        });
    }

    /**
     * Called for a stream that just became open (its request arrived).
     *
     * @return whether it may be served; if not, it has been counted as refused and the caller must reset it
     */
    public boolean admit() {
        if (open <= limit) {
            return true;
        }
        refused.incrementAndGet();
        return false;
    }

    /** @return streams open on the worker's connections */
    public int open() {
        return open;
    }

    /** Counts a connection closed with requests unread because its client had hung up (they were not served). */
    public void abandoned() {
        abandoned.incrementAndGet();
    }

    /** @return connections whose unread requests were dropped because their client had hung up, since start */
    public long abandonedConnections() {
        return abandoned.get();
    }

    /** @return streams refused since start */
    public long refused() {
        return refused.get();
    }
}

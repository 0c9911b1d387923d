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
 * <p>
 * It also accounts the body bytes a stream can pin beyond that: HTTP/2 flow control lets a client send as much as the
 * stream's receive window before the server reads any of it. Every stream may hold the initial window (SETTINGS, 64 KiB
 * by default, within the connection's window of the same size); a stream that carries a request body is raised to the
 * upload window ({@link UploadWindow}) only while the worker's window budget has the difference to spare, and gives it
 * back when it closes. So heap pinned by unread bodies stays within the connections' initial windows plus the window
 * budget, whatever the clients do.
 * <p>
 * Thread: {@link #watch}, {@link #admit}, {@link #open}, {@link #grantWindow} and {@link #returnWindow} on the worker's
 * loop, where all its connections live; the limits may be set from any thread (a restart sets them before connections
 * arrive); {@link #refused} and {@link #windowGranted} from any thread.
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
    private volatile int uploadWindow;
    private volatile long windowBudget;
    /** Written on the loop only; read by metrics from any thread. */
    private volatile long windowGranted;

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

    /**
     * The default window budget: an eighth of the maximum heap, shared among the workers (2 GiB heap, one worker: 256
     * MiB, 64 uploads at a 4 MiB window; 512 MiB, two workers: 32 MiB each).
     *
     * @return bytes per worker, at least 0
     */
    public static long defaultWindowBudget(long maxHeapBytes, int workers) {
        return Math.max(0, maxHeapBytes / 8 / Math.max(1, workers));
    }

    /**
     * Sets the receive window a stream carrying a request body may be raised to, and the bytes beyond the initial
     * window that all such streams of the worker may be granted together.
     *
     * @param perStream bytes, 1..2^31-1; at or below the initial window nothing is granted
     * @param budget bytes, at least 0 (0: no grants)
     */
    public void limitUploadWindows(int perStream, long budget) {
        if (perStream < 1 || budget < 0) {
            throw new IllegalArgumentException("upload window " + perStream + " and budget " + budget
                    + " must be positive");
        }
        this.uploadWindow = perStream;
        this.windowBudget = budget;
    }

    /**
     * Reserves the raise of one stream's receive window from {@code initialWindow} to the upload window.
     *
     * @return the bytes granted, which the caller adds to the stream's and the connection's windows and gives back
     *         with {@link #returnWindow}; 0 if none (no raise configured, or the budget is spent: the stream then
     *         keeps the initial window, slower but served)
     */
    public int grantWindow(int initialWindow) {
        int extra = uploadWindow - initialWindow;
        if (extra <= 0 || windowGranted + extra > windowBudget) {
            return 0;
        }
        windowGranted += extra;
        return extra;
    }

    /** Gives back a grant of {@link #grantWindow}: its stream closed. */
    public void returnWindow(int bytes) {
        windowGranted -= bytes;
    }

    /** @return window bytes granted now beyond the initial windows, on this worker */
    public long windowGranted() {
        return windowGranted;
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

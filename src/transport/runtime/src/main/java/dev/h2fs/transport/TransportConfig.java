package dev.h2fs.transport;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import io.quarkus.runtime.annotations.ConfigPhase;
import io.quarkus.runtime.annotations.ConfigRoot;
import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Configuration of the acceptor/worker transport. Read once at start-up; immutable, any thread.
 * <p>
 * Defaults are those of the {@code @WithDefault} annotations (Quarkus's configuration reference shows them). Every
 * count, size and duration is range-checked when the transport starts ({@code TransportConfigCheck}): a value outside
 * what its Javadoc accepts fails start-up with a message naming the key.
 * <p>
 * The container variables of the reference server map onto it in the application's
 * {@code application.properties}: {@code h2fs.transport.port=${PORT:8080}},
 * {@code h2fs.transport.threads=${THREADS:0}}.
 */
@ConfigMapping(prefix = "h2fs.transport")
@ConfigRoot(phase = ConfigPhase.RUN_TIME)
public interface TransportConfig {

    /**
     * Whether the transport opens its port. When false nothing of the transport starts; remember that the
     * extension turns Quarkus's own HTTP listener off by default ({@code quarkus.http.host-enabled=false}), so set
     * that back to {@code true} if the application should still listen.
     */
    @WithDefault("true")
    boolean enabled();

    /**
     * Interface address to bind; {@code 0.0.0.0} is every IPv4 interface.
     */
    @WithDefault("0.0.0.0")
    String host();

    /**
     * TCP port to listen on, {@code 0..65535}; {@code 0} picks a free port (tests), which is then published as
     * {@code quarkus.http.port}/{@code quarkus.http.test-port} so REST Assured finds it.
     */
    @WithDefault("8080")
    int port();

    /**
     * Number of worker event loops (threads), at least {@code 0}; {@code 0} means the number of available processors.
     */
    @WithDefault("0")
    int threads();

    /**
     * How connections reach workers: {@code acceptor} (one acceptor thread plus load balancer) or {@code reuseport}
     * (one {@code SO_REUSEPORT} socket per worker, kernel balancing).
     */
    @WithDefault("acceptor")
    TransportMode mode();

    /**
     * Capacity, in connections, of each worker's hand-off queue ({@code acceptor} mode), {@code 1..2^30}. Enforced
     * exactly: JCTools sizes the array underneath to a power of two, but the queue takes no more than this. When the
     * chosen worker's queue is full the balancer tries the others; when all are full the connection is closed
     * (shed).
     */
    @WithDefault("1024")
    int queueCapacity();

    /**
     * Number of entries in the load balancer's indirect table (hash modulo this size selects an entry, the entry
     * names a worker), at least {@code 1}. Larger tables let reassignment move load in finer steps.
     */
    @WithDefault("256")
    int indirectTableSize();

    /**
     * Listen backlog (connections the kernel queues before {@code accept()}), at least {@code 1}; the kernel may cap
     * it ({@code net.core.somaxconn} on Linux).
     */
    @WithDefault("1024")
    int acceptBacklog();

    /**
     * The most connections open at once (accepted, queued or being served), at least {@code 1}. At the limit the
     * listener stops accepting: new connections wait in the kernel's backlog (they are not reset) and are accepted as
     * soon as one closes; each pause counts in {@code h2fs_transport_accept_paused_total}. A listener may take one
     * read batch (16) past it before it pauses. When not set: three quarters of the file descriptors the process has
     * free at start-up (its limit, {@code ulimit -n}, less those open then), so that a burst of connections cannot
     * starve the files, uploads and jars the process needs, nor make {@code accept()} fail with EMFILE.
     */
    Optional<Integer> maxConnections();

    /**
     * Use Netty's native epoll transport when the platform offers it; when false, or when epoll is not available
     * (macOS, Windows), NIO is used and one INFO line says so.
     */
    @WithDefault("true")
    boolean nativeTransport();

    /**
     * Close a connection after this long with no bytes read or written; {@code 0S} disables it, negative values are
     * rejected. Checked on every worker heartbeat, like the {@link #guard()} limits, so a connection is closed up to
     * two heartbeat periods late (any precision is accepted; it is not rounded to seconds).
     */
    @WithDefault("120S")
    Duration idleTimeout();

    /**
     * Longest a connection's close may linger: the transport shuts its side (a FIN behind the last bytes it wrote, an
     * HTTP/2 GOAWAY above all), reads and drops whatever the client still sends, and closes when the client closes
     * its side or this has passed, whichever comes first. Closing a socket that still has unread input makes the
     * kernel reset the connection, and the reset can overtake the GOAWAY (seen: a rapid-reset client over TLS lost it
     * in 2 tries of 125), so the client could not tell why it was cut off. A lingering connection still counts against
     * {@link #maxConnections()}. {@code 0S} closes at once; {@code 0S..60S}. The default is many round trips, and the
     * time a client needs to finish writing a full socket buffer on a slow link, while holding a closed connection for
     * little time (nginx's {@code lingering_time}, for HTTP/1.x uploads, defaults to 30 s).
     */
    @WithDefault("2S")
    Duration lingeringCloseTime();

    /**
     * Largest request body accepted, at least one byte, checked against {@code Content-Length} before the request
     * reaches the router (answered {@code 413}). Bodies without a length are bounded by Quarkus's
     * {@code quarkus.http.limits.max-body-size}.
     */
    @WithDefault("10M")
    MemorySize maxBodySize();

    /**
     * Response bytes a connection may have queued for its socket, beyond what the kernel has taken, before the
     * transport stops producing more for it (Netty's write-buffer high water mark; it resumes below half of it). An
     * HTTP/2 connection keeps DATA it cannot queue yet in its flow controller instead, so this moves bytes between two
     * queues rather than adding any, and a mapped file slice is queued without a copy; HTTP/1.1 responses pause at it.
     * Netty's default, 64 KiB, is less than one read's worth of answers at 100 streams per connection: the flow
     * controller then fed the socket in 64 KiB slices and cost the worker ~40 % more CPU per 4 KiB GET at
     * {@code h2load -c1000 -m100} (measured 2026-12-02, docs/BENCHMARKS.md). {@code 1K..1G}.
     */
    @WithDefault("1M")
    MemorySize writeBufferHighWaterMark();

    /**
     * Readiness reports DOWN when a worker loop has not run its heartbeat task for this long (a stalled or dead
     * loop); liveness reports DOWN when the acceptor loop has not. Loops beat every quarter of it, but at least once
     * a second and at most every 10 ms, so it must be at least {@code 40ms}: a shorter one would report healthy loops
     * stalled between two beats.
     */
    @WithDefault("10S")
    Duration stallTimeout();

    /**
     * What the port speaks: {@code h2c} (cleartext HTTP/2 and HTTP/1.1) or {@code h2} (TLS, see {@link #tls()}).
     */
    @WithDefault("h2c")
    RunMode runMode();

    /**
     * Graceful shutdown: how long in-flight requests (uploads included) may take to complete after the listener
     * has closed and every HTTP/2 connection got GOAWAY; connections still open then are closed. {@code 0S} waits
     * for none: open connections are closed at once. Negative values are rejected.
     */
    @WithDefault("30S")
    Duration drainTimeout();

    /**
     * Graceful shutdown: how long readiness reports DOWN while the listener still accepts, before draining starts.
     *
     * @deprecated Quarkus's own {@code quarkus.shutdown.delay} does this (with {@code quarkus.shutdown.delay-enabled=true}
     *             at build time); this key still works, waited before Quarkus's delay, and logs a warning.
     */
    @Deprecated(forRemoval = true)
    @WithDefault("0S")
    Duration shutdownDelay();

    /**
     * TLS, used when {@link #runMode()} is {@code h2}.
     */
    Tls tls();

    /**
     * TLS settings (run mode {@code h2}). Immutable, any thread.
     */
    interface Tls {

        /**
         * PEM file of the private key (PKCS#8 or PKCS#1). Required in run mode {@code h2}; the container variable
         * {@code TLS_KEY} maps onto it in the application's configuration.
         */
        Optional<Path> keyFile();

        /**
         * PEM file of the certificate chain, leaf first. Required in run mode {@code h2}; {@code TLS_CERT} maps onto
         * it.
         */
        Optional<Path> certFile();

        /**
         * Offer only {@code h2} in ALPN and close connections that do not negotiate it (as the reference server
         * did), instead of also serving {@code http/1.1} over TLS.
         */
        @WithDefault("false")
        boolean h2Only();

        /**
         * A TLS handshake that has not completed after this long closes its connection (and only that one). Whole
         * milliseconds, at least {@code 1ms} (Vert.x counts it in milliseconds, and 0 would mean no timeout).
         */
        @WithDefault("10S")
        Duration handshakeTimeout();

        /**
         * The TLS implementation: {@code openssl} (BoringSSL through netty-tcnative: start-up fails, saying why, if its
         * native library does not load), {@code jdk} (the JDK's SSLEngine), or {@code auto}: OpenSSL where it loads,
         * the JDK engine elsewhere (other platforms; the native executable, where OpenSSL is not tested). The start-up
         * line says which one serves.
         */
        @WithDefault("auto")
        TlsEngine engine();
    }

    /** See {@link Tls#engine()}. */
    enum TlsEngine {
        AUTO, OPENSSL, JDK
    }

    /**
     * HTTP/2 settings the server announces in its SETTINGS frame.
     */
    Http2 http2();

    /**
     * The REST fast path: body-less HTTP/2 REST requests served by the transport itself, straight from Netty's HTTP/2
     * decoder into RESTEasy Reactive.
     */
    FastPath fastPath();

    /**
     * The REST fast path. Immutable, any thread.
     */
    interface FastPath {

        /**
         * Whether requests without a body ({@code GET}, {@code HEAD}, {@code DELETE} whose HTTP/2 HEADERS end the
         * stream, or whose HTTP/1.1 head announces no body) to a JAX-RS resource go from Netty's decoders straight
         * into RESTEasy Reactive, below Vert.x's HTTP server and router. Everything else (uploads, {@code /q/*}, paths
         * no resource maps, HTTP/1.1 requests with {@code Expect} or {@code Upgrade}, HTTP/1.0) takes Vert.x's path
         * as before. HTTP security, CORS, the access log, forwarded headers and
         * {@code quarkus.http.header}/{@code filter} rules run on it as Quarkus runs them. The transport turns it off
         * by itself, and says why at start-up, when the application uses something that path would bypass
         * (compression, same-site cookie rules, Vert.x route filters, ...).
         */
        @WithDefault("true")
        boolean enabled();

        /**
         * Whether HTTP/1.1 requests take the fast path too (when it is {@link #enabled()}). HTTP/1.1 is what an
         * ingress or a load balancer in front of the service usually speaks to it. {@code false} leaves every
         * HTTP/1.x request to Vert.x's path, HTTP/2 keeps the fast path.
         */
        @WithDefault("true")
        boolean http1();

        /**
         * Access-log lines of fast-path requests ({@code quarkus.http.access-log.enabled}) waiting for the thread that
         * hands them to the log, at most. The worker loops never wait for the log: a line that finds the queue full
         * is dropped and counted ({@code h2fs_transport_access_log_dropped_total}). At least {@code 1}.
         */
        @WithDefault("16384")
        int accessLogQueue();
    }

    /**
     * Per-connection guards against clients that hold a connection without using it (slowloris, stalled readers).
     */
    Guard guard();

    /**
     * Time limits the transport enforces on each connection itself, checked on every worker heartbeat (so a limit
     * is acted on up to two heartbeat periods late; the period is a quarter of {@code stall-timeout}, at most one
     * second). Immutable, any thread.
     */
    interface Guard {

        /**
         * Longest time a client may take to deliver a complete request head: from the first byte of an HTTP/1.1
         * request (or from connect, for the first request) until its header section has been parsed; for HTTP/2
         * from connect until the connection preface and the client's first SETTINGS frame have arrived, and for each
         * request from its HEADERS frame until the end of the frame that ends its header block. A connection
         * that exceeds it is closed (slowloris). Bytes trickling in do not extend it, unlike {@code idle-timeout}.
         * {@code 0S} disables it; negative values are rejected.
         */
        @WithDefault("10S")
        Duration requestHeaderTimeout();

        /**
         * Longest time a connection may have response bytes waiting without any of them leaving: bytes queued for
         * the socket that the kernel does not take (the client does not read), or HTTP/2 DATA held in the flow
         * controller because the client keeps its flow-control window at zero. The connection is then closed
         * (HTTP/2: after a GOAWAY with ENHANCE_YOUR_CALM), releasing the buffers and mapped files it held. A slow
         * client that keeps reading is never affected. {@code 0S} disables it; negative values are rejected.
         */
        @WithDefault("30S")
        Duration writeStallTimeout();
    }

    /**
     * HTTP/2 SETTINGS (RFC 9113 section 6.5.2). Immutable, any thread.
     */
    interface Http2 {

        /**
         * SETTINGS_MAX_CONCURRENT_STREAMS: streams a client may have open at once on one connection,
         * {@code 1..2^32-1}.
         */
        @WithDefault("100")
        long maxConcurrentStreams();

        /**
         * SETTINGS_INITIAL_WINDOW_SIZE, in bytes: the initial flow-control window of each stream, {@code 1..2^31-1}
         * (RFC 9113 also allows 0, but no request body could then ever arrive).
         */
        @WithDefault("65535")
        int initialWindowSize();

        /**
         * SETTINGS_MAX_FRAME_SIZE, in bytes: largest frame payload the server accepts, {@code 16384..16777215}.
         */
        @WithDefault("16384")
        int maxFrameSize();

        /**
         * SETTINGS_MAX_HEADER_LIST_SIZE, in bytes: largest uncompressed header list the server accepts,
         * {@code 1..2^32-1}.
         */
        @WithDefault("8192")
        long maxHeaderListSize();

        /**
         * Rapid reset (CVE-2023-44487) and server-provoked resets ("MadeYouReset", CVE-2025-8671): the most
         * RST_STREAM frames per {@code rst-flood-window}, counted separately for frames the client sends and for
         * frames the client makes the server send (errors other than CANCEL and NO_ERROR). One more and the connection
         * gets GOAWAY(ENHANCE_YOUR_CALM) and is closed. At least {@code 1}: the check cannot be switched off (a large
         * value makes it lenient).
         */
        @WithDefault("200")
        int rstFloodMaxPerWindow();

        /**
         * The window of {@code rst-flood-max-per-window}. Whole seconds, at least {@code 1S}: Vert.x and Netty count
         * it in seconds, and a window of 0 would switch the check off, so a sub-second or fractional value is rejected
         * rather than truncated or rounded.
         */
        @WithDefault("30S")
        Duration rstFloodWindow();

        /**
         * CONTINUATION flood: the most consecutive CONTINUATION frames smaller than 8 KiB that may carry one header
         * block; one more is answered with GOAWAY(ENHANCE_YOUR_CALM). Header blocks built from large frames are
         * bounded by {@code max-header-list-size} instead. At least {@code 1}: the check cannot be switched off.
         */
        @WithDefault("16")
        int maxSmallContinuationFrames();

        /**
         * The most HTTP/2 streams open at once on one worker, across all its connections
         * ({@code max-concurrent-streams} bounds one connection only). A stream beyond it is refused with
         * RST_STREAM(REFUSED_STREAM): nothing was processed and the client may retry. An open stream holds a few KiB
         * of heap until its response is written, so without this bound many connections at their stream limit can
         * fill the heap when the server falls behind (1,000 x 100 streams: 400 MB and more). At least {@code 1}.
         * When not set: a quarter of the maximum heap at 4.5 KiB per stream (measured: 4.2 KiB on Vert.x's path, 3.0 on
         * the REST fast path), shared among the workers (2 GiB heap, one worker: 116,508; 512 MiB, two workers: 14,563).
         */
        Optional<Integer> maxStreamsPerWorker();

        /**
         * The receive window, in bytes, of a stream that carries a request body (an upload): the stream and its
         * connection are raised to it by WINDOW_UPDATE when the request's headers arrive, as far as
         * {@code upload-window-budget} allows, so that one upload is not held to {@code initial-window-size} (64 KiB
         * in flight, credit returned every 32 KiB: h2c uploads measured at 0.55-0.75x of HTTP/1.1). Netty sends the
         * next WINDOW_UPDATE once half of the window has been read. At or below {@code initial-window-size}: no raise.
         * {@code 1..2^31-1}. Default {@code 4M} (measured: docs/BENCHMARKS.md, uploads).
         */
        @WithDefault("4M")
        MemorySize uploadWindowSize();

        /**
         * Bytes of receive window, beyond {@code initial-window-size}, that the upload streams of one worker may be
         * granted together ({@code upload-window-size}): the bound on request body bytes that clients can make a
         * worker hold unread on top of the initial windows. A stream that finds it spent keeps the initial window
         * (slower, but served). {@code 0}: no raise. When not set: an eighth of the maximum heap, shared
         * among the workers.
         */
        Optional<MemorySize> uploadWindowBudget();

        /**
         * How a connection's send window is shared among its streams that have DATA waiting: {@code uniform} (Netty's
         * {@code UniformStreamByteDistributor}: round robin in frame-sized quanta, client priorities ignored, as RFC 9113
         * deprecates them) or {@code weighted-fair-queue} (Netty's {@code WeightedFairQueueByteDistributor}: honours
         * RFC 7540 priorities and weights; Vert.x's default). The weighted queue keeps a priority tree that every stream
         * joins and leaves, which cost the worker about a third of its CPU per request (measured 2026-12-02, 4 KiB
         * GETs at {@code -c100 -m10}: docs/BENCHMARKS.md).
         */
        @WithDefault("uniform")
        StreamScheduling streamScheduling();
    }

    /** See {@link Http2#streamScheduling()}. */
    enum StreamScheduling {
        UNIFORM, WEIGHTED_FAIR_QUEUE
    }
}

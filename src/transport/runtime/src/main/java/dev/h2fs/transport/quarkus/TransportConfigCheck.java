package dev.h2fs.transport.quarkus;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.quarkus.runtime.configuration.ConfigurationException;
import io.quarkus.runtime.configuration.MemorySize;

import dev.h2fs.transport.TransportConfig;

/**
 * Checks the range of every count, size and duration in {@link TransportConfig} before the transport uses any of them.
 * SmallRye Config checks types only, and the libraries underneath either reject a bad value late with a message that
 * does not name our key, or, worse, quietly turn it into something else: {@code http2.rst-flood-window=500ms} became a
 * window of 0 seconds, for which Netty installs no rapid-reset decoder at all, so the CVE-2023-44487 defence was off
 * without a word. Here every value that the transport cannot honour exactly, that would switch a protocol defence off,
 * or that cannot work fails start-up instead, and all such problems are reported at once, one line each, naming the
 * full key, the value and what is accepted.
 * <p>
 * Zero stays valid where {@link TransportConfig} documents it: {@code port} (any free port), {@code threads} (one per
 * processor), {@code idle-timeout} and the {@code guard.*} timeouts (off), {@code drain-timeout} (no wait),
 * {@code lingering-close-time} (close at once). The HTTP/2
 * flood defences ({@code rst-flood-*}, {@code max-small-continuation-frames}) cannot be switched off; a large value
 * makes them lenient.
 * <p>
 * Thread: the Quarkus start-up thread, first thing in {@link TransportLifecycle#start} once the transport is known to
 * be enabled, so that nothing has been opened when it fails. It only reads the immutable configuration.
 */
final class TransportConfigCheck {

    static final String PREFIX = "h2fs.transport.";
    /** The longest {@link Duration} the transport can use: it counts timeouts in nanoseconds (a {@code long}). */
    static final Duration LONGEST = Duration.ofNanos(Long.MAX_VALUE);
    /** RFC 9113 section 6.5.2: SETTINGS values are unsigned 32-bit integers. */
    static final long MAX_SETTING = 0xFFFF_FFFFL;
    /** RFC 9113 section 6.5.2: SETTINGS_MAX_FRAME_SIZE lower bound (also the protocol default). */
    static final int MIN_FRAME_SIZE = 1 << 14;
    /** RFC 9113 section 6.5.2: SETTINGS_MAX_FRAME_SIZE upper bound, 2^24-1. */
    static final int MAX_FRAME_SIZE = (1 << 24) - 1;
    /** The longest {@code lingering-close-time}: a client that needs longer to read the end is not worth waiting for. */
    static final Duration LONGEST_LINGER = Duration.ofSeconds(60);
    /** The largest queue JCTools builds (its array is rounded up to a power of two, at most 2^30). */
    static final int MAX_QUEUE_CAPACITY = 1 << 30;

    private final List<String> problems = new ArrayList<>();
    private final Set<String> keys = new LinkedHashSet<>();

    private TransportConfigCheck() {
    }

    /**
     * @throws ConfigurationException listing every invalid setting, one line each with its full key; its
     *         {@link ConfigurationException#getConfigKeys() keys} are those settings
     */
    @SuppressWarnings("removal") // the deprecated shutdown-delay is still read, so it is still checked
    static void validate(TransportConfig config) {
        TransportConfigCheck check = new TransportConfigCheck();
        check.range("port", config.port(), 0, 65_535, "a TCP port; 0 picks a free one");
        check.atLeast("threads", config.threads(), 0, "0 means one per available processor");
        check.range("queue-capacity", config.queueCapacity(), 1, MAX_QUEUE_CAPACITY,
                "a queue that holds no connection sheds every one; JCTools builds none larger");
        check.atLeast("indirect-table-size", config.indirectTableSize(), 1, "the balancer needs a slot");
        check.atLeast("accept-backlog", config.acceptBacklog(), 1, "the kernel queues connections there");
        check.atLeast("fast-path.access-log-queue", config.fastPath().accessLogQueue(), 1,
                "a line must fit while the log thread writes the one before");
        check.size("max-body-size", config.maxBodySize());
        check.range("write-buffer-high-water-mark", config.writeBufferHighWaterMark().asBigInteger(), 1 << 10, 1 << 30,
                "bytes; Netty counts them in an int, and more than a GiB per connection bounds nothing");
        check.timeout("idle-timeout", config.idleTimeout(), "0s turns it off");
        // Health checks compare the time since a loop's last heartbeat with stall-timeout; the heartbeat runs every
        // quarter of it, but no more often than TransportLifecycle.heartbeatPeriod allows. A shorter timeout would
        // report healthy loops stalled between two beats.
        Duration fastestBeat = TransportLifecycle.heartbeatPeriod(Duration.ZERO);
        check.duration("stall-timeout", config.stallTimeout(), fastestBeat.multipliedBy(4),
                "four heartbeats: loops beat every quarter of it but at most every " + format(fastestBeat)
                        + ", so a shorter timeout reports healthy loops stalled");
        check.timeout("drain-timeout", config.drainTimeout(), "0s: no wait, open connections are closed at once");
        check.atMost("lingering-close-time", config.lingeringCloseTime(), LONGEST_LINGER,
                "0s closes at once; a longer linger only holds closed connections, each against max-connections");
        check.timeout("shutdown-delay", config.shutdownDelay(), "0s for none");

        TransportConfig.Tls tls = config.tls();
        check.wholeUnits("tls.handshake-timeout", tls.handshakeTimeout(), Duration.ofMillis(1), "milliseconds", LONGEST,
                "Vert.x counts it in whole milliseconds, and 0 would mean no handshake timeout at all");

        TransportConfig.Http2 http2 = config.http2();
        check.range("http2.max-concurrent-streams", http2.maxConcurrentStreams(), 1, MAX_SETTING,
                "RFC 9113 allows an unsigned 32-bit value; 0 would refuse every request");
        check.range("http2.initial-window-size", http2.initialWindowSize(), 1, Integer.MAX_VALUE,
                "RFC 9113 allows up to 2^31-1; 0 would keep every request body from ever arriving");
        check.range("http2.max-frame-size", http2.maxFrameSize(), MIN_FRAME_SIZE, MAX_FRAME_SIZE,
                "the range RFC 9113 allows");
        check.range("http2.max-header-list-size", http2.maxHeaderListSize(), 1, MAX_SETTING,
                "RFC 9113 allows an unsigned 32-bit value; 0 would refuse every request");
        check.atLeast("http2.rst-flood-max-per-window", http2.rstFloodMaxPerWindow(), 1,
                "0 would switch the rapid-reset (CVE-2023-44487) and MadeYouReset (CVE-2025-8671) defences off");
        check.wholeUnits("http2.rst-flood-window", http2.rstFloodWindow(), Duration.ofSeconds(1), "seconds",
                Duration.ofSeconds(Integer.MAX_VALUE), "Vert.x and Netty count the window in whole seconds, an int;"
                        + " a window of 0 switches the rapid-reset (CVE-2023-44487) and MadeYouReset (CVE-2025-8671)"
                        + " defences off");
        check.atLeast("http2.max-small-continuation-frames", http2.maxSmallContinuationFrames(), 1,
                "0 would switch the CONTINUATION flood defence off");
        check.range("http2.upload-window-size", http2.uploadWindowSize().asLongValue(), 1, Integer.MAX_VALUE,
                "an HTTP/2 window is at most 2^31-1 bytes");
        http2.maxStreamsPerWorker().ifPresent(streams -> check.atLeast("http2.max-streams-per-worker", streams, 1,
                "when set; a worker must be able to serve a stream"));
        config.maxConnections().ifPresent(connections -> check.atLeast("max-connections", connections, 1,
                "when set; at 0 the listener would never accept"));

        TransportConfig.Guard guard = config.guard();
        check.timeout("guard.request-header-timeout", guard.requestHeaderTimeout(), "0s turns it off");
        check.timeout("guard.write-stall-timeout", guard.writeStallTimeout(), "0s turns it off");

        if (!check.problems.isEmpty()) {
            throw new ConfigurationException("Invalid h2fs transport configuration, the transport does not start:"
                    + System.lineSeparator() + "  " + String.join(System.lineSeparator() + "  ", check.problems),
                    check.keys);
        }
    }

    private void range(String key, long value, long min, long max, String why) {
        range(key, BigInteger.valueOf(value), min, max, why);
    }

    /** For sizes, which SmallRye reads as {@link BigInteger}s of any magnitude. */
    private void range(String key, BigInteger value, long min, long max, String why) {
        if (value.compareTo(BigInteger.valueOf(min)) < 0 || value.compareTo(BigInteger.valueOf(max)) > 0) {
            problem(key, value.toString(), "must be between " + min + " and " + max + " (" + why + ")");
        }
    }

    private void atLeast(String key, long value, long min, String why) {
        if (value < min) {
            problem(key, Long.toString(value), "must be at least " + min + " (" + why + ")");
        }
    }

    private void size(String key, MemorySize size) {
        BigInteger bytes = size.asBigInteger();
        if (bytes.signum() <= 0 || bytes.compareTo(BigInteger.valueOf(Long.MAX_VALUE)) > 0) {
            problem(key, bytes + " bytes", "must be between 1 and " + Long.MAX_VALUE
                    + " bytes (0 would refuse every request that declares a body)");
        }
    }

    /** A time limit for which 0 is documented (off, or none, as {@code why} says). */
    private void timeout(String key, Duration value, String why) {
        duration(key, value, Duration.ZERO, why);
    }

    /** A duration from 0 (documented as {@code why} says) to {@code max}. */
    private void atMost(String key, Duration value, Duration max, String why) {
        if (value.isNegative() || value.compareTo(max) > 0) {
            problem(key, format(value), "must be between 0s and " + format(max) + " (" + why + ")");
        }
    }

    private void duration(String key, Duration value, Duration min, String why) {
        if (value.compareTo(min) < 0) {
            problem(key, format(value), "must be at least " + format(min) + " (" + why + ")");
        } else if (value.compareTo(LONGEST) > 0) {
            problem(key, format(value), "must be at most " + LONGEST + " (durations are counted in nanoseconds)");
        }
    }

    /**
     * A duration the transport hands on in whole {@code unit}s: at least one unit, at most {@code max}, and no
     * fraction of a unit that would be dropped silently.
     */
    private void wholeUnits(String key, Duration value, Duration unit, String unitName, Duration max, String why) {
        if (value.compareTo(unit) < 0 || value.compareTo(max) > 0
                || !value.equals(unit.multipliedBy(value.dividedBy(unit)))) {
            problem(key, format(value),
                    "must be whole " + unitName + ", from " + format(unit) + " to " + format(max) + " (" + why + ")");
        }
    }

    /** @return {@code d} as Quarkus's configuration would spell it: {@code 30s}, {@code 500ms}, else ISO-8601 */
    static String format(Duration d) {
        if (d.getNano() == 0) {
            return d.getSeconds() + "s";
        }
        if (d.getNano() % 1_000_000 == 0 && d.abs().getSeconds() < Long.MAX_VALUE / 1_000) {
            return d.toMillis() + "ms";
        }
        return d.toString();
    }

    private void problem(String key, String value, String sentence) {
        String fullKey = PREFIX + key;
        keys.add(fullKey);
        problems.add(fullKey + "=" + value + ": " + sentence);
    }
}

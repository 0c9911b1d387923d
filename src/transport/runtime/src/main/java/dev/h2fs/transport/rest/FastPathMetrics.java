package dev.h2fs.transport.rest;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.http.Outcome;
import io.quarkus.micrometer.runtime.binder.HttpBinderConfiguration;
import io.quarkus.micrometer.runtime.binder.HttpCommonTags;

/**
 * {@code http.server.requests} for requests the fast path serves: the name, tags (method, uri, outcome, status) and configuration (ignore and match patterns, suppressed 4xx URIs) of Quarkus
 * Micrometer's Vert.x binder, so a dashboard cannot tell which path served a request (Prometheus keeps one set of tag
 * names per meter name: a tag more or less and one path's requests would vanish from the scrape). Timers are looked up once per
 * (method, uri, status) and kept, not built per request; the registry's histogram and percentile filters apply as
 * they do to the binder's meters, since the meter is the same.
 * <p>
 * Thread-safe: any worker loop records.
 */
final class FastPathMetrics {

    private final MeterRegistry registry;
    private final String name;
    private final boolean suppress4xx;
    private final List<Pattern> ignore;
    private final Map<Pattern, String> match;
    private final ConcurrentHashMap<Key, Timer> timers = new ConcurrentHashMap<>();

    /** The status a reset is kept under: no response was sent, so no real status is 0. */
    private static final int RESET = 0;

    private record Key(String method, String uri, int status) {
    }

    FastPathMetrics(MeterRegistry registry, HttpBinderConfiguration config) {
        this.registry = registry;
        this.name = config.getHttpServerRequestsName();
        this.suppress4xx = config.isServerSuppress4xxErrors();
        this.ignore = config.getServerIgnorePatterns();
        this.match = config.getServerMatchPatterns();
    }

    /** A response was sent. */
    void record(String method, String template, String path, int status, long nanos) {
        recordAs(method, template, path, status, nanos);
    }

    /** The stream ended before a response was sent (client reset, connection closed). */
    void reset(String method, String template, String path, long nanos) {
        recordAs(method, template, path, RESET, nanos);
    }

    private void recordAs(String method, String template, String path, int status, long nanos) {
        String uri = uriPath(template, path);
        if (uri == null) {
            return;
        }
        timers.computeIfAbsent(new Key(method, uri, status), key -> Timer.builder(name)
                .description("HTTP server request processing time")
                .tags(key.status() == RESET
                        ? Tags.of(HttpCommonTags.method(key.method()), HttpCommonTags.uri(key.uri(), path, 0, false),
                                Outcome.CLIENT_ERROR.asTag(), HttpCommonTags.STATUS_RESET)
                        : Tags.of(HttpCommonTags.method(key.method()),
                                HttpCommonTags.uri(key.uri(), path, key.status(), suppress4xx),
                                HttpCommonTags.outcome(key.status()), HttpCommonTags.status(key.status())))
                .register(registry)).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** As the binder: configured match patterns first, then the resource's template; null when ignored. */
    private String uriPath(String template, String path) {
        String uri = null;
        for (Map.Entry<Pattern, String> pattern : match.entrySet()) {
            if (pattern.getKey().matcher(path).matches()) {
                uri = pattern.getValue();
                break;
            }
        }
        if (uri == null) {
            uri = template != null ? template : path;
        }
        for (Pattern pattern : ignore) {
            if (pattern.matcher(uri).matches()) {
                return null;
            }
        }
        return uri;
    }
}

package dev.h2fs.transport.rest;

import java.util.List;
import java.util.StringJoiner;
import java.util.regex.Pattern;

import io.quarkus.vertx.http.runtime.AccessLogConfig;
import io.quarkus.vertx.http.runtime.attribute.ExchangeAttribute;
import io.quarkus.vertx.http.runtime.attribute.ExchangeAttributeParser;
import io.quarkus.vertx.http.runtime.attribute.SubstituteEmptyWrapper;
import io.quarkus.vertx.http.runtime.filters.accesslog.AccessLogReceiver;
import io.quarkus.vertx.http.runtime.filters.accesslog.JBossLoggingAccessLogReceiver;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * The access log ({@code quarkus.http.access-log.*}) for fast-path requests: the line is Quarkus's, read by Quarkus's
 * own exchange attributes (the {@code %}-codes of {@code pattern}, parsed by its {@code ExchangeAttributeParser} as its
 * access-log handler parses them) from the fast path's routing context once the stream has closed, and written to the
 * same category, or to a file of its own by Quarkus's own writer of that file ({@link QuarkusAccessLogReceiver}). The exclusion pattern is matched against the normalised path, as
 * there. A request handed back to Vert.x's path is logged there, once.
 * <p>
 * The line is made on the worker loop and handed to {@link AccessLogHandOff}, whose thread writes it: the loop never
 * waits for the log; a full hand-off drops the line and counts it.
 * <p>
 * Thread-safe: the parsed attributes are immutable; each line reads only its own request.
 */
final class FastPathAccessLog implements Handler<RoutingContext>, AutoCloseable {

    private final ExchangeAttribute line;
    private final Pattern excluded;
    private final AccessLogHandOff handOff;

    private FastPathAccessLog(ExchangeAttribute line, Pattern excluded, AccessLogHandOff handOff) {
        this.line = line;
        this.excluded = excluded;
        this.handOff = handOff;
    }

    /**
     * @param receiver where the lines go: to a file of its own, Quarkus's own writer of it; else null, and they go
     *        to the log category, as Quarkus's do
     * @param queue lines waiting for the writing thread, at most ({@code h2fs.transport.fast-path.access-log-queue})
     * @return the access log, or null when it is off
     */
    static FastPathAccessLog open(AccessLogConfig config, AccessLogReceiver receiver, int queue) {
        if (!config.enabled()) {
            return null;
        }
        ExchangeAttribute line = new ExchangeAttributeParser(FastPathAccessLog.class.getClassLoader(),
                List.of(new SubstituteEmptyWrapper("-"))).parse(format(config.pattern()));
        Pattern excluded = config.excludePattern().map(Pattern::compile).orElse(null);
        return new FastPathAccessLog(line, excluded, new AccessLogHandOff(
                receiver != null ? receiver : new JBossLoggingAccessLogReceiver(config.category()), queue));
    }

    /** The named formats {@code quarkus.http.access-log.pattern} documents, or the pattern itself. */
    static String format(String pattern) {
        return switch (pattern) {
            case "common" -> "%h %l %u %t \"%r\" %s %b";
            case "combined" -> "%h %l %u %t \"%r\" %s %b \"%{i,Referer}\" \"%{i,User-Agent}\"";
            case "long" -> new StringJoiner(System.lineSeparator(), System.lineSeparator(), "")
                    .add("%r").add("%{ALL_REQUEST_HEADERS}").toString();
            default -> pattern;
        };
    }

    @Override
    public void handle(RoutingContext routing) {
        if (excluded == null || !excluded.matcher(routing.normalizedPath()).matches()) {
            FastPathRoutingContext request = (FastPathRoutingContext) routing;
            request.exchange().addCloseHandler(() -> {
                if (!request.exchange().handedBack()) {
                    handOff.offer(read(request));
                }
            });
        }
        routing.next();
    }

    /** @return the request's line, or null (dropped and counted) when an attribute cannot be read */
    private String read(FastPathRoutingContext request) {
        try {
            return line.readAttribute(request);
        } catch (RuntimeException e) {
            return null; // the stream's end must not fail over a log line
        }
    }

    /** @return lines not written: the hand-off was full, or the log refused them */
    long dropped() {
        return handOff.dropped();
    }

    @Override
    public void close() {
        handOff.close();
    }

    @Override
    public String toString() {
        return "access log";
    }
}

package dev.h2fs.files.api;

import java.time.Instant;
import java.util.Locale;

import dev.h2fs.files.cache.FileMeta;
import dev.h2fs.files.cache.HttpDates;

/**
 * Decides what a GET or HEAD of an existing file answers, from its conditional and range headers
 * (RFC 9110 sections 13 and 14): 304, 200 with the whole file, 206 with one range, or 416.
 * Several ranges are answered with the whole file, which the RFC allows and which spares a
 * multipart/byteranges body; a malformed Range is ignored, as the RFC asks.
 *
 * <p>Thread-safe: stateless.
 */
final class Conditions {

    sealed interface Outcome permits NotModified, Full, Partial, Unsatisfiable {
    }

    record NotModified() implements Outcome {
    }

    record Full() implements Outcome {
    }

    /** Bytes {@code first} to {@code last}, both inclusive. */
    record Partial(long first, long last) implements Outcome {
        long length() {
            return last - first + 1;
        }
    }

    record Unsatisfiable() implements Outcome {
    }

    private Conditions() {
    }

    static Outcome evaluate(FileMeta meta, String ifNoneMatch, String ifModifiedSince, String range, String ifRange) {
        if (ifNoneMatch != null) {
            if (matchesAny(meta.etag(), ifNoneMatch)) {
                return new NotModified();
            }
        } else if (ifModifiedSince != null) {
            // If-Modified-Since is ignored when If-None-Match is present (RFC 9110 13.1.3).
            Instant since = HttpDates.parse(ifModifiedSince);
            if (since != null && !meta.lastModifiedSeconds().isAfter(since)) {
                return new NotModified();
            }
        }
        if (range == null || !ifRangeHolds(meta, ifRange)) {
            return new Full();
        }
        return parseRange(range.trim(), meta.size());
    }

    /** Weak comparison against a list of entity tags, or {@code *}. */
    private static boolean matchesAny(String etag, String header) {
        String opaque = stripWeak(etag);
        for (String candidate : header.split(",")) {
            String c = candidate.trim();
            if (c.equals("*") || stripWeak(c).equals(opaque)) {
                return true;
            }
        }
        return false;
    }

    private static String stripWeak(String tag) {
        return tag.startsWith("W/") ? tag.substring(2) : tag;
    }

    /** If-Range needs a strong match of the entity tag, or an exactly equal date. */
    private static boolean ifRangeHolds(FileMeta meta, String ifRange) {
        if (ifRange == null) {
            return true;
        }
        String value = ifRange.trim();
        if (value.startsWith("\"") || value.startsWith("W/")) {
            return value.equals(meta.etag());
        }
        Instant date = HttpDates.parse(value);
        return date != null && date.equals(meta.lastModifiedSeconds());
    }

    private static Outcome parseRange(String range, long size) {
        if (!range.toLowerCase(Locale.ROOT).startsWith("bytes=")) {
            return new Full();
        }
        String spec = range.substring("bytes=".length()).trim();
        if (spec.contains(",")) {
            return new Full();
        }
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return new Full();
        }
        String from = spec.substring(0, dash).trim();
        String to = spec.substring(dash + 1).trim();
        try {
            if (from.isEmpty()) {
                long suffix = parseDigits(to);
                if (suffix == 0 || size == 0) {
                    return new Unsatisfiable();
                }
                return new Partial(Math.max(0, size - suffix), size - 1);
            }
            long first = parseDigits(from);
            if (!to.isEmpty() && parseDigits(to) < first) {
                return new Full(); // syntactically invalid: ignore the header
            }
            if (first >= size) {
                return new Unsatisfiable();
            }
            long last = to.isEmpty() ? size - 1 : Math.min(parseDigits(to), size - 1);
            return new Partial(first, last);
        } catch (NumberFormatException e) {
            return new Full();
        }
    }

    private static long parseDigits(String s) {
        if (s.isEmpty() || s.length() > 18) {
            throw new NumberFormatException(s);
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                throw new NumberFormatException(s);
            }
        }
        return Long.parseLong(s);
    }
}

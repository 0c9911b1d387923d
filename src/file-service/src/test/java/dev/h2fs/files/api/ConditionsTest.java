package dev.h2fs.files.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.h2fs.files.cache.FileMeta;
import dev.h2fs.files.cache.HttpDates;

class ConditionsTest {

    private static final String LAST_MODIFIED = "Mon, 02 Nov 2026 10:15:30 GMT";
    private static final Instant MTIME = Instant.parse("2026-11-02T10:15:30.250Z");
    private static final FileMeta META = new FileMeta("f", 1000, MTIME, "key", "\"abc\"", "text/plain", LAST_MODIFIED,
            "1000");

    private static Conditions.Outcome eval(String inm, String ims, String range, String ifRange) {
        return Conditions.evaluate(META, inm, ims, range, ifRange);
    }

    @Test
    void lastModifiedIsFormattedAsImfFixdate() {
        assertEquals(LAST_MODIFIED, HttpDates.format(META.lastModifiedSeconds()));
        assertEquals("Sun, 01 Nov 2026 00:00:00 GMT", HttpDates.format(Instant.parse("2026-11-01T00:00:00Z")));
    }

    @Test
    void ifNoneMatchUsesWeakComparisonAndStar() {
        assertInstanceOf(Conditions.NotModified.class, eval("\"abc\"", null, null, null));
        assertInstanceOf(Conditions.NotModified.class, eval("W/\"abc\"", null, null, null));
        assertInstanceOf(Conditions.NotModified.class, eval("\"x\", \"abc\"", null, null, null));
        assertInstanceOf(Conditions.NotModified.class, eval("*", null, null, null));
        assertInstanceOf(Conditions.Full.class, eval("\"x\"", null, null, null));
    }

    @Test
    void ifModifiedSinceComparesWholeSecondsAndIsIgnoredBesideIfNoneMatch() {
        assertInstanceOf(Conditions.NotModified.class, eval(null, LAST_MODIFIED, null, null));
        assertInstanceOf(Conditions.Full.class, eval(null, "Mon, 02 Nov 2026 10:15:29 GMT", null, null));
        assertInstanceOf(Conditions.Full.class, eval("\"x\"", LAST_MODIFIED, null, null));
        assertInstanceOf(Conditions.Full.class, eval(null, "not a date", null, null));
    }

    @Test
    void rangeForms() {
        assertEquals(new Conditions.Partial(0, 99), eval(null, null, "bytes=0-99", null));
        assertEquals(new Conditions.Partial(900, 999), eval(null, null, "bytes=900-5000", null));
        assertEquals(new Conditions.Partial(500, 999), eval(null, null, "bytes=500-", null));
        assertEquals(new Conditions.Partial(990, 999), eval(null, null, "bytes=-10", null));
        assertEquals(new Conditions.Partial(0, 999), eval(null, null, "bytes=-5000", null));
    }

    @Test
    void unsatisfiableRanges() {
        assertInstanceOf(Conditions.Unsatisfiable.class, eval(null, null, "bytes=1000-", null));
        assertInstanceOf(Conditions.Unsatisfiable.class, eval(null, null, "bytes=-0", null));
    }

    @Test
    void malformedOrMultipleRangesServeTheWholeFile() {
        for (String r : new String[] { "bytes=5-1", "bytes=a-b", "items=0-1", "bytes=0-1,5-6", "bytes=", "bytes=--1",
                "bytes=99999999999999999999-" }) {
            assertInstanceOf(Conditions.Full.class, eval(null, null, r, null), r);
        }
    }

    @Test
    void ifRangeMustMatchForTheRangeToApply() {
        assertInstanceOf(Conditions.Partial.class, eval(null, null, "bytes=0-1", "\"abc\""));
        assertInstanceOf(Conditions.Full.class, eval(null, null, "bytes=0-1", "\"other\""));
        assertInstanceOf(Conditions.Full.class, eval(null, null, "bytes=0-1", "W/\"abc\""));
        assertInstanceOf(Conditions.Partial.class, eval(null, null, "bytes=0-1", LAST_MODIFIED));
        assertInstanceOf(Conditions.Full.class, eval(null, null, "bytes=0-1", "Mon, 02 Nov 2026 10:15:31 GMT"));
    }
}

package dev.h2fs.files.tracing;

import static dev.h2fs.files.attack.RawH2.DATA;
import static dev.h2fs.files.attack.RawH2.END_HEADERS;
import static dev.h2fs.files.attack.RawH2.END_STREAM;
import static dev.h2fs.files.attack.RawH2.HEADERS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.h2fs.files.attack.RawH2;
import dev.h2fs.files.fastpath.FastPathParityTest;

/**
 * Tracing keeps the fast path: with the OpenTelemetry SDK on, a fast-path request produces the server span Vert.x's
 * path produces for the same request (W3C parent taken from {@code traceparent}, name, kind, status, the
 * semantic-convention attributes, the exception on a failure), and the span is current in the resource method, on
 * the loop and on a worker thread. Both requests of a pair go over one h2c connection and differ only in framing: the
 * fast path's HEADERS end the stream; Vert.x's are followed by an empty DATA frame that ends it (a stream with a body
 * is Vert.x's).
 */
@QuarkusTest
@TestProfile(TracingProfile.class)
class FastPathTracingTest {

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String PARENT = "00f067aa0ba902b7";

    @TestHTTPResource("/")
    URL base;

    @BeforeEach
    void forgetEarlierSpans() {
        RecordedSpans.clear();
    }

    @Test
    void aFastPathRequestGetsTheServerSpanVertxGivesIt() throws Exception {
        compare("/traced/loop/a?x=1", 200);
    }

    @Test
    void aBlockingMethodSeesItsSpanOnBothPaths() throws Exception {
        compare("/traced/worker/b", 200);
    }

    @Test
    void aFailureIsRecordedOnTheSpanAsOnVertxs() throws Exception {
        Pair pair = compare("/traced/fail", 500);
        assertEquals(StatusCode.ERROR, pair.fast().getStatus().getStatusCode());
        assertTrue(pair.fast().getEvents().stream().anyMatch(e -> e.getName().equals("exception")),
                "the exception is an event of the span: " + pair.fast().getEvents());
    }

    private record Pair(SpanData fast, SpanData vertx) {
    }

    private Pair compare(String path, int status) throws Exception {
        long servedBefore = FastPathParityTest.fastPathServed();
        SpanData fast;
        SpanData vertx;
        try (RawH2 client = new RawH2(base.getHost(), base.getPort())) {
            client.preface();
            String fastBody = exchange(client, 1, path, true, status);
            fast = serverSpan();
            String vertxBody = exchange(client, 3, path, false, status);
            vertx = serverSpan();
            if (status == 200) {
                assertEquals(TRACE_ID, fastBody, "the span is current in the resource method (fast path)");
                assertEquals(TRACE_ID, vertxBody, "the span is current in the resource method (Vert.x)");
            }
        }
        assertEquals(1, FastPathParityTest.fastPathServed() - servedBefore, "one request took the fast path");
        assertEquals(vertx.getName(), fast.getName());
        assertEquals(SpanKind.SERVER, fast.getKind());
        assertEquals(vertx.getKind(), fast.getKind());
        assertEquals(TRACE_ID, fast.getTraceId());
        assertEquals(PARENT, fast.getParentSpanId());
        assertEquals(vertx.getParentSpanId(), fast.getParentSpanId());
        assertEquals(vertx.getStatus(), fast.getStatus());
        Map<String, String> expected = attributes(vertx);
        Map<String, String> actual = attributes(fast);
        if (status == 500) {
            // Quarkus's error page shows the stack trace in tests, whose frames differ by path: so does its size.
            assertTrue(Long.parseLong(actual.remove("http.response.body.size")) > 0, "an error page was sent");
            expected.remove("http.response.body.size");
        }
        assertEquals(expected, actual);
        assertEquals(status, fast.getAttributes().get(AttributeKey.longKey("http.response.status_code")));
        assertNotNull(fast.getAttributes().get(AttributeKey.stringKey("http.route")), attributes(fast).toString());
        assertEquals(vertx.getEvents().stream().map(e -> e.getName()).toList(),
                fast.getEvents().stream().map(e -> e.getName()).toList());
        return new Pair(fast, vertx);
    }

    /** The next server span ended (Quarkus REST may end internal ones too). */
    private static SpanData serverSpan() throws InterruptedException {
        for (SpanData span = RecordedSpans.next(); span != null; span = RecordedSpans.next()) {
            if (span.getKind() == SpanKind.SERVER) {
                return span;
            }
        }
        throw new AssertionError("no server span ended within 10 s");
    }

    private static Map<String, String> attributes(SpanData span) {
        Map<String, String> attributes = new TreeMap<>();
        span.getAttributes().forEach((key, value) -> attributes.put(key.getKey(), String.valueOf(value)));
        return attributes;
    }

    /** One GET with a {@code traceparent}; with {@code endOnHeaders} false an empty DATA frame ends the stream. */
    private static String exchange(RawH2 client, int stream, String path, boolean endOnHeaders, int status)
            throws Exception {
        byte[] headers = RawH2.request("GET", path, "traceparent", "00-" + TRACE_ID + "-" + PARENT + "-01",
                "user-agent", "tracing-test/1");
        client.frame(HEADERS, END_HEADERS | (endOnHeaders ? END_STREAM : 0), stream, headers);
        if (!endOnHeaders) {
            client.frame(DATA, END_STREAM, stream, new byte[0]);
        }
        client.flush();
        List<RawH2.Frame> frames = client.readUntilStreamEnds(stream);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int seenStatus = -1;
        for (RawH2.Frame frame : frames) {
            if (frame.stream() == stream && frame.type() == HEADERS) {
                seenStatus = RawH2.status(frame);
            } else if (frame.stream() == stream && frame.type() == DATA) {
                body.write(frame.payload());
            }
        }
        assertEquals(status, seenStatus, "status of stream " + stream);
        return body.toString(StandardCharsets.UTF_8);
    }
}

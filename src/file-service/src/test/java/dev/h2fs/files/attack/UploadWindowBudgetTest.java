package dev.h2fs.files.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Upload windows against clients that open upload streams and never send their bodies (or send them and wait): each
 * such stream is raised to {@code h2fs.transport.http2.upload-window-size} only while the worker's
 * {@code upload-window-budget} lasts, so the body bytes clients can make a worker hold unread stay bounded; a closed
 * stream gives its grant back. Here the budget is exactly one grant (1 MiB window, one worker). Frames are read up to
 * the acknowledgement of a PING sent after each request: the server writes a grant while it decodes the HEADERS, so a
 * grant that is not before the acknowledgement was not given.
 */
@QuarkusTest
@TestProfile(UploadWindowBudgetTest.OneGrant.class)
class UploadWindowBudgetTest {

    private static final int INITIAL_WINDOW = 65_535;
    private static final int UPLOAD_WINDOW = 1 << 20;
    private static final int GRANT = UPLOAD_WINDOW - INITIAL_WINDOW;

    public static class OneGrant implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "h2fs.transport.threads", "1",
                    "h2fs.transport.http2.upload-window-size", String.valueOf(UPLOAD_WINDOW),
                    "h2fs.transport.http2.upload-window-budget", String.valueOf(GRANT),
                    "h2fs.files.dir", "target/test-store-upload-window");
        }
    }

    @TestHTTPResource("/")
    URL base;

    @Test
    void uploadStreamsBeyondTheWindowBudgetKeepTheInitialWindowUntilAGrantComesBack() throws IOException {
        try (RawH2 h2 = new RawH2(base.getHost(), base.getPort())) {
            h2.preface();

            upload(h2, 1, 1);
            List<RawH2.Frame> first = framesUntilPingAck(h2, 1);
            assertEquals(GRANT, increment(first, 1), "the first upload stream is raised to the upload window");
            assertEquals(GRANT, increment(first, 0), "and its connection with it");

            upload(h2, 3, 2);
            List<RawH2.Frame> second = framesUntilPingAck(h2, 2);
            assertEquals(0, increment(second, 3), "the budget is spent: the second keeps the initial window");
            assertEquals(0, increment(second, 0));

            h2.rst(1, RawH2.CANCEL);
            upload(h2, 5, 3);
            List<RawH2.Frame> third = framesUntilPingAck(h2, 3);
            assertEquals(GRANT, increment(third, 5), "the reset stream gave its grant back");
        }
    }

    @Test
    void bodyLessRequestsGetNoGrant() throws IOException {
        try (RawH2 h2 = new RawH2(base.getHost(), base.getPort())) {
            h2.preface();
            h2.get(1, "/files", true).ping(9);
            List<RawH2.Frame> frames = framesUntilPingAck(h2, 9);
            assertEquals(0, increment(frames, 1));
            assertEquals(0, increment(frames, 0));
        }
    }

    /** A multipart POST whose body does not follow (yet), then a PING. */
    private static void upload(RawH2 h2, int stream, long ping) throws IOException {
        h2.frame(RawH2.HEADERS, RawH2.END_HEADERS, stream, RawH2.request("POST", "/files", "content-type",
                "multipart/form-data; boundary=never-sent")).ping(ping);
    }

    private static List<RawH2.Frame> framesUntilPingAck(RawH2 h2, long ping) throws IOException {
        List<RawH2.Frame> frames = new ArrayList<>();
        while (true) {
            RawH2.Frame frame = h2.read();
            assertNotNull(frame, "the connection closed: " + frames);
            if (frame.type() == RawH2.PING && (frame.flags() & RawH2.ACK) != 0
                    && ByteBuffer.wrap(frame.payload()).getLong() == ping) {
                return frames;
            }
            assertTrue(frame.type() != RawH2.GOAWAY, "GOAWAY: " + frame);
            frames.add(frame);
        }
    }

    /** The sum of WINDOW_UPDATE increments for {@code stream} among {@code frames}. */
    private static int increment(List<RawH2.Frame> frames, int stream) {
        return frames.stream().filter(f -> f.type() == RawH2.WINDOW_UPDATE && f.stream() == stream)
                .mapToInt(f -> ByteBuffer.wrap(f.payload()).getInt() & 0x7fffffff).sum();
    }
}

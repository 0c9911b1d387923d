package dev.h2fs.files.attack;

import static dev.h2fs.files.attack.SlowReaderTest.millisSince;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.h2fs.transport.quarkus.TransportLifecycle;

/**
 * Slowloris: request heads, HTTP/2 prefaces and HTTP/2 header blocks (HEADERS, CONTINUATION) trickled one byte every
 * 200 ms, which keeps the idle timeout (5 s in {@link AttackProfile}) from ever firing. {@code h2fs.transport.guard.request-header-timeout} (2 s here, 10 s by
 * default) closes them anyway; a keep-alive connection resting between requests is not affected.
 * <p>
 * Heap (measured): ~0 MiB per trickling connection (a partial head of a few hundred bytes).
 */
@QuarkusTest
@TestProfile(AttackProfile.class)
class SlowlorisTest {

    private static final long TRICKLE_MILLIS = 200;

    @TestHTTPResource("/")
    URL base;

    @Inject
    TransportLifecycle transport;

    @Test
    void slowlorisHttp1HeadIsClosedAfterTheRequestHeaderTimeout() throws Exception {
        try (WellBehavedClient bystander = new WellBehavedClient(base)) {
            bystander.assertServed();
            HeapProbe heap = new HeapProbe("slowloris HTTP/1.1");
            try (Socket socket = socket()) {
                long connected = System.nanoTime(); // the first request's head is due from connect on
                socket.getOutputStream().write(ascii("GET /files/missing HTTP/1.1\r\nHost: x\r\n"));
                assertTrickleIsCut(socket, ascii("X-Slow: " + "a".repeat(200)), bystander, connected);
            }
            heap.sample("after the close");
        }
    }

    @Test
    void slowlorisOnTheSecondRequestOfAKeepAliveConnectionIsClosed() throws Exception {
        try (WellBehavedClient bystander = new WellBehavedClient(base); Socket socket = socket()) {
            socket.getOutputStream().write(ascii("GET /files/missing HTTP/1.1\r\nHost: x\r\n\r\n"));
            assertTrue(readResponse(socket.getInputStream()).startsWith("HTTP/1.1 404"));
            // The second request's head is due from its first byte on.
            assertTrickleIsCut(socket, ascii("GET /files/missing HTTP/1.1\r\nHost: x\r\nX-Slow: " + "a".repeat(200)),
                    bystander, System.nanoTime());
        }
    }

    @Test
    void keepAliveConnectionRestingBetweenRequestsIsNotClosed() throws Exception {
        try (Socket socket = socket()) {
            byte[] request = ascii("GET /files/missing HTTP/1.1\r\nHost: x\r\n\r\n");
            socket.getOutputStream().write(request);
            assertTrue(readResponse(socket.getInputStream()).startsWith("HTTP/1.1 404"));
            // Longer than the request head timeout, shorter than the idle timeout.
            Thread.sleep(AttackProfile.REQUEST_HEADER_TIMEOUT_MILLIS + 3 * AttackProfile.HEARTBEAT_MILLIS / 2);
            socket.getOutputStream().write(request);
            assertTrue(readResponse(socket.getInputStream()).startsWith("HTTP/1.1 404"));
        }
    }

    @Test
    void slowlorisHttp2PrefaceIsClosedAfterTheRequestHeaderTimeout() throws Exception {
        try (WellBehavedClient bystander = new WellBehavedClient(base); Socket socket = socket()) {
            assertTrickleIsCut(socket, RawH2.prefaceBytes(), bystander, System.nanoTime());
        }
    }

    @Test
    void slowlorisHttp2SettingsAfterThePrefaceIsClosedAfterTheRequestHeaderTimeout() throws Exception {
        try (WellBehavedClient bystander = new WellBehavedClient(base); Socket socket = socket()) {
            long connected = System.nanoTime(); // preface and SETTINGS are due from connect on
            socket.getOutputStream().write(RawH2.prefaceBytes());
            // A SETTINGS frame of 6 settings (45 bytes), one byte at a time: 9 s if nobody intervened.
            ByteArrayOutputStream settings = new ByteArrayOutputStream();
            settings.writeBytes(new byte[] { 0, 0, 36, 0x4, 0, 0, 0, 0, 0 });
            for (int i = 0; i < 6; i++) {
                settings.writeBytes(new byte[] { 0, 0x3, 0, 0, 0, 100 }); // MAX_CONCURRENT_STREAMS = 100
            }
            assertTrickleIsCut(socket, settings.toByteArray(), bystander, connected);
        }
    }

    @Test
    void slowlorisHttp2HeadersFrameIsClosedAfterTheRequestHeaderTimeout() throws Exception {
        try (WellBehavedClient bystander = new WellBehavedClient(base); Socket socket = socket()) {
            openHttp2(socket);
            // One request's HEADERS frame (its header block ends in it), the payload one byte at a time.
            byte[] block = RawH2.request("GET", "/files/missing", "x-slow", "a".repeat(200));
            socket.getOutputStream()
                    .write(RawH2.frameHeader(block.length, RawH2.HEADERS, RawH2.END_HEADERS | RawH2.END_STREAM, 1));
            assertTrickleIsCut(socket, block, bystander, System.nanoTime());
        }
    }

    @Test
    void slowlorisHttp2ContinuationIsClosedAfterTheRequestHeaderTimeout() throws Exception {
        try (WellBehavedClient bystander = new WellBehavedClient(base); Socket socket = socket()) {
            openHttp2(socket);
            // HEADERS without END_HEADERS, whole; then the CONTINUATION that would end the block, one byte at a time.
            byte[] block = RawH2.request("GET", "/files/missing", "x-slow", "a".repeat(200));
            int split = 20;
            OutputStream out = socket.getOutputStream();
            out.write(RawH2.frameHeader(split, RawH2.HEADERS, RawH2.END_STREAM, 1));
            out.write(block, 0, split);
            out.write(RawH2.frameHeader(block.length - split, RawH2.CONTINUATION, RawH2.END_HEADERS, 1));
            assertTrickleIsCut(socket, Arrays.copyOfRange(block, split, block.length), bystander, System.nanoTime());
        }
    }

    @Test
    void http2RequestsWhoseHeadersArriveInTimeAreServedPastTheRequestHeaderTimeout() throws Exception {
        try (RawH2 client = new RawH2(base.getHost(), base.getPort())) {
            client.preface().get(1, "/files/missing", true).flush();
            assertEquals(404, RawH2.status(client.readUntil(f -> f.type() == RawH2.HEADERS && f.stream() == 1, 5_000)));
            // Longer than the request head timeout, shorter than the idle timeout: the connection rests, then a
            // header block split over two frames arrives in time.
            Thread.sleep(AttackProfile.REQUEST_HEADER_TIMEOUT_MILLIS + 3 * AttackProfile.HEARTBEAT_MILLIS / 2);
            byte[] block = RawH2.request("GET", "/files/missing");
            client.frame(RawH2.HEADERS, RawH2.END_STREAM, 3, Arrays.copyOfRange(block, 0, 10))
                    .frame(RawH2.CONTINUATION, RawH2.END_HEADERS, 3, Arrays.copyOfRange(block, 10, block.length))
                    .flush();
            RawH2.Frame answer = client.readUntil(f -> f.type() == RawH2.HEADERS && f.stream() == 3, 5_000);
            assertNotNull(answer, "closed instead of answering the second request");
            assertEquals(404, RawH2.status(answer));
        }
    }

    /** Sends the HTTP/2 connection preface and an empty SETTINGS frame at once. */
    private static void openHttp2(Socket socket) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(RawH2.prefaceBytes());
        out.write(RawH2.frameHeader(0, RawH2.SETTINGS, 0, 0));
        out.flush();
    }

    /**
     * Sends {@code bytes} one every 200 ms; asserts the server closes within the head timeout (counted from
     * {@code start}, when the head became due) plus slack.
     */
    private void assertTrickleIsCut(Socket socket, byte[] bytes, WellBehavedClient bystander, long start)
            throws Exception {
        long timeoutsBefore = GuardCounters.requestHeadTimeouts(transport);
        OutputStream out = socket.getOutputStream();
        InputStream in = socket.getInputStream();
        socket.setSoTimeout((int) TRICKLE_MILLIS);
        boolean closed = false;
        boolean servedDuring = false;
        for (int i = 0; i < bytes.length && !closed; i++) {
            try {
                out.write(bytes[i]);
                out.flush();
            } catch (IOException e) {
                closed = true;
                break;
            }
            try {
                while (in.read() >= 0) {
                    // a server that answered something (an HTTP/2 SETTINGS frame): drop it
                }
                closed = true;
            } catch (SocketTimeoutException stillOpen) {
                // next byte
            } catch (IOException reset) {
                closed = true;
            }
            if (!servedDuring && millisSince(start) > 500) {
                bystander.assertServed();
                servedDuring = true;
            }
        }
        long elapsed = millisSince(start);
        assertTrue(closed, "still open after trickling " + bytes.length + " bytes for " + elapsed + " ms");
        assertTrue(elapsed >= AttackProfile.REQUEST_HEADER_TIMEOUT_MILLIS - AttackProfile.HEARTBEAT_MILLIS,
                "closed too early: " + elapsed + " ms");
        assertTrue(elapsed < AttackProfile.IDLE_TIMEOUT_MILLIS + AttackProfile.HEARTBEAT_MILLIS,
                "closed too late: " + elapsed + " ms");
        assertEquals(timeoutsBefore + 1, GuardCounters.requestHeadTimeouts(transport));
        bystander.assertServed();
    }

    private Socket socket() throws IOException {
        Socket socket = new Socket(base.getHost(), base.getPort());
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Reads one HTTP/1.1 response with a Content-Length body; returns its head. */
    static String readResponse(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("closed mid-head: " + head);
            }
            head.append((char) c);
        }
        int length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        in.readNBytes(length);
        return head.toString();
    }
}

package dev.h2fs.files.attack;

import static dev.h2fs.files.attack.RawH2.END_HEADERS;
import static dev.h2fs.files.attack.RawH2.END_STREAM;
import static dev.h2fs.files.attack.RawH2.HEADERS;
import static dev.h2fs.files.attack.RawH2.PROTOCOL_ERROR;
import static dev.h2fs.files.attack.RawH2.RST_STREAM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.URL;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * HPACK bomb and oversized header lists, against {@code h2fs.transport.http2.max-header-list-size} (8 KiB default).
 * The decoder counts the decoded size of every field and stops storing fields past the limit, so a 4 KiB frame that
 * decodes to 16 MiB costs no more than a legal request; the stream is answered 431 and reset, the connection lives.
 * <p>
 * Heap (measured): ~0 MiB retained for the bomb (16 MiB of decoded headers never materialise).
 */
@QuarkusTest
class HpackBombTest {

    @TestHTTPResource("/")
    URL base;

    @Test
    void hpackBombIsRefusedWith431AndTheConnectionLives() throws Exception {
        try (WellBehavedClient bystander = new WellBehavedClient(base);
                RawH2 attacker = new RawH2(base.getHost(), base.getPort())) {
            bystander.assertServed();
            HeapProbe heap = new HeapProbe("HPACK bomb");
            attacker.preface();
            // Stream 1 puts a 4000-byte field in the dynamic table (a legal 4 KiB request).
            ByteArrayOutputStream first = new ByteArrayOutputStream();
            first.writeBytes(RawH2.request("GET", "/files/missing"));
            RawH2.literalIndexed(first, "x-bomb", "a".repeat(4_000));
            attacker.frame(HEADERS, END_HEADERS | END_STREAM, 1, first.toByteArray());
            assertEquals(404, status(attacker.readUntilStreamEnds(1), 1));
            // Stream 3 references it 4000 times: 4 KiB on the wire, 16 MiB decoded.
            ByteArrayOutputStream bomb = new ByteArrayOutputStream();
            bomb.writeBytes(RawH2.request("GET", "/files/missing"));
            for (int i = 0; i < 4_000; i++) {
                RawH2.indexed(bomb, 62);
            }
            attacker.frame(HEADERS, END_HEADERS | END_STREAM, 3, bomb.toByteArray());
            List<RawH2.Frame> answer = attacker.readUntilStreamEnds(3);
            assertEquals(431, status(answer, 3), "no 431 for the bomb");
            long during = heap.sample("bomb refused, connection open");

            // The connection still serves: a normal request on it.
            attacker.get(5, "/files/missing", true);
            RawH2.Frame next = attacker.readUntil(f -> f.type() == HEADERS && f.stream() == 5, 5_000);
            assertNotNull(next, "connection closed after the bomb");
            bystander.assertServed();
            heap.sample("after");
            assertTrue(during < HeapProbe.BOUND, "heap grew by " + during);
        }
    }

    @Test
    void headerListOverTheLimitIsRefusedWith431AndReset() throws Exception {
        try (WellBehavedClient bystander = new WellBehavedClient(base);
                RawH2 attacker = new RawH2(base.getHost(), base.getPort())) {
            attacker.preface();
            // 9 KiB of fields: over the 8 KiB limit, under the 10 KiB block bound (so a stream error, not GOAWAY).
            byte[] block = RawH2.request("GET", "/files/missing", "x-a", "a".repeat(3_000), "x-b", "b".repeat(3_000),
                    "x-c", "c".repeat(3_000));
            attacker.frame(HEADERS, END_HEADERS | END_STREAM, 1, block);
            List<RawH2.Frame> answer = attacker.readUntilStreamEnds(1);
            assertEquals(431, status(answer, 1));
            RawH2.Frame reset = answer.get(answer.size() - 1).type() == RST_STREAM
                    ? answer.get(answer.size() - 1)
                    : attacker.readUntil(f -> f.type() == RST_STREAM && f.stream() == 1, 5_000);
            assertNotNull(reset, "stream not reset");
            assertEquals(PROTOCOL_ERROR, reset.errorCode());
            // Just under the limit is served.
            attacker.frame(HEADERS, END_HEADERS | END_STREAM, 3,
                    RawH2.request("GET", "/files/missing", "x-a", "a".repeat(7_500)));
            assertEquals(404, status(attacker.readUntilStreamEnds(3), 3));
            bystander.assertServed();
        }
    }

    private static int status(List<RawH2.Frame> frames, int stream) {
        RawH2.Frame headers = frames.stream().filter(f -> f.type() == HEADERS && f.stream() == stream).findFirst()
                .orElseThrow(() -> new AssertionError("no HEADERS on stream " + stream + ": " + frames));
        int status = RawH2.status(headers);
        if (status < 0) {
            throw new AssertionError("unreadable :status in " + java.util.HexFormat.of().formatHex(headers.payload()));
        }
        return status;
    }
}

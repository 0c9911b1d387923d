package dev.h2fs.files.upload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.h2fs.files.TestFiles;

class MultipartReaderTest {

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] body(MultipartReader reader) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[777]; // odd size: reads straddle the reader's own buffer edges
        int n;
        while ((n = reader.read(buf, 0, buf.length)) != -1) {
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    /** Hands out at most {@code max} bytes per read, like a network stream. */
    private static InputStream trickle(byte[] data, int max) {
        return new FilterInputStream(new ByteArrayInputStream(data)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, max));
            }
        };
    }

    @ParameterizedTest
    @ValueSource(ints = { 1, 7, 70, 1000, 100_000 })
    void partsComeBackByteForByteWhateverTheReadSizes(int chunk) throws IOException {
        byte[] a = TestFiles.bytes(200_000, 1);
        // Prefixes of the delimiter inside the content (the full delimiter never is: RFC 2046 5.1.1).
        byte[] b = ascii("\r\n--boun\r\n--bou\r\r\n-\r\n--");
        TestFiles.Multipart m = new TestFiles.Multipart("bound").file("file", "a.bin", a).file("file", "b.txt", b);
        MultipartReader reader = new MultipartReader(trickle(m.close(), chunk), "bound");

        PartHeaders first = reader.nextPart();
        assertEquals("file", first.name());
        assertEquals("a.bin", first.filename());
        assertEquals("application/octet-stream", first.contentType());
        assertArrayEquals(a, body(reader));
        PartHeaders second = reader.nextPart();
        assertEquals("b.txt", second.filename());
        assertArrayEquals(b, body(reader));
        assertNull(reader.nextPart());
        assertNull(reader.nextPart());
    }

    /**
     * Reads a part by runs the way an upload does: each run's buffer is held (as the writer holds it) while the reader
     * reads on, and only then copied out and released; a reader that wrote into a held buffer would corrupt it.
     */
    private static byte[] runs(MultipartReader reader) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        UploadChunks.Chunk held = null;
        int heldOffset = 0;
        int heldLength = 0;
        int n;
        do {
            n = reader.readRun();
            if (held != null) {
                out.write(held.bytes, heldOffset, heldLength);
                held.release();
                held = null;
            }
            if (n > 0) {
                held = reader.runChunk();
                held.retain();
                heldOffset = reader.runOffset();
                heldLength = n;
            }
        } while (n > 0);
        return out.toByteArray();
    }

    @ParameterizedTest
    @ValueSource(ints = { 1, 7, 70, 1000, 100_000 })
    void handedOnRunsAreTheBodyByteForByteWhateverTheReadSizes(int chunk) throws IOException {
        byte[] a = TestFiles.bytes(200_000, 3);
        byte[] b = ascii("\r\n--boun\r\n--bou\r\r\n-\r\n--");
        TestFiles.Multipart m = new TestFiles.Multipart("bound").file("file", "a.bin", a).file("file", "b.txt", b)
                .file("file", "c.bin", a);
        // Small buffers, so that runs cross from buffer to buffer many times.
        MultipartReader reader = new MultipartReader(trickle(m.close(), chunk), "bound",
                new UploadChunks(3, 16 * 1024));

        assertEquals("a.bin", reader.nextPart().filename());
        assertArrayEquals(a, runs(reader));
        assertEquals("b.txt", reader.nextPart().filename());
        assertArrayEquals(b, runs(reader));
        assertEquals("c.bin", reader.nextPart().filename());
        assertArrayEquals(a, runs(reader));
        assertNull(reader.nextPart());
        reader.release();
    }

    @Test
    void preambleEpilogueAndPaddingAreIgnored() throws IOException {
        byte[] data = ascii(
                "preamble text\r\n--b  \r\nContent-Disposition: form-data; name=\"file\"; filename=\"x\"\r\n"
                        + "\r\nhello\r\n--b--\r\nepilogue");
        MultipartReader reader = new MultipartReader(new ByteArrayInputStream(data), "b");
        assertEquals("x", reader.nextPart().filename());
        assertArrayEquals(ascii("hello"), body(reader));
        assertNull(reader.nextPart());
    }

    @Test
    void unreadBodyIsSkippedByNextPart() throws IOException {
        TestFiles.Multipart m = new TestFiles.Multipart("s").part("Content-Disposition: form-data; name=\"note\"",
                TestFiles.bytes(100_000, 2)).file("file", "f", ascii("data"));
        MultipartReader reader = new MultipartReader(new ByteArrayInputStream(m.close()), "s");
        assertEquals("note", reader.nextPart().name());
        assertEquals("file", reader.nextPart().name());
        assertArrayEquals(ascii("data"), body(reader));
    }

    @Test
    void quotedAndExtendedFilenamesAreDecoded() throws IOException {
        byte[] data = ascii("--q\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a;b\\\"c\"\r\n\r\n1\r\n"
                + "--q\r\ncontent-disposition: form-data; name=file; filename=\"fallback\"; filename*=UTF-8''caf%C3%A9.txt\r\n"
                + "\r\n2\r\n--q--");
        MultipartReader reader = new MultipartReader(new ByteArrayInputStream(data), "q");
        assertEquals("a;b\"c", reader.nextPart().filename());
        PartHeaders ext = reader.nextPart();
        assertEquals("file", ext.name());
        assertEquals("café.txt", ext.filename());
    }

    @Test
    void bodyWithoutClosingDelimiterIsMalformed() throws IOException {
        TestFiles.Multipart m = new TestFiles.Multipart("t").file("file", "f", TestFiles.bytes(10_000, 3));
        MultipartReader reader = new MultipartReader(new ByteArrayInputStream(m.unclosed()), "t");
        reader.nextPart();
        assertThrows(MalformedMultipartException.class, () -> body(reader));
    }

    @Test
    void bodyWithoutAnyDelimiterIsMalformed() {
        MultipartReader reader = new MultipartReader(new ByteArrayInputStream(ascii("just bytes")), "t");
        assertThrows(MalformedMultipartException.class, reader::nextPart);
    }

    @Test
    void endlessHeadersAreRefused() {
        byte[] data = ascii("--h\r\nX: " + "y".repeat(MultipartReader.MAX_HEADER_BYTES) + "\r\n\r\nbody\r\n--h--");
        MultipartReader reader = new MultipartReader(new ByteArrayInputStream(data), "h");
        assertThrows(MalformedMultipartException.class, reader::nextPart);
    }

    @Test
    void garbageAfterDelimiterIsMalformed() {
        MultipartReader reader = new MultipartReader(new ByteArrayInputStream(ascii("--g junk\r\n\r\nx\r\n--g--")),
                "g");
        assertThrows(MalformedMultipartException.class, reader::nextPart);
    }

    @Test
    void boundaryIsTakenFromTheContentType() throws IOException {
        assertEquals("abc", MultipartReader.boundary("multipart/form-data; boundary=abc"));
        assertEquals("a b:c", MultipartReader.boundary("Multipart/Form-Data; charset=utf-8; boundary=\"a b:c\""));
    }

    @ParameterizedTest
    @ValueSource(strings = { "multipart/form-data", "multipart/form-data; boundary=",
            "multipart/form-data; boundary=\"\"",
            "multipart/form-data; boundary=bad{", "multipart/form-data; boundary=\"trailing \"",
            "multipart/mixed; boundary=x",
            "text/plain" })
    void badContentTypesAreMalformed(String contentType) {
        assertThrows(MalformedMultipartException.class, () -> MultipartReader.boundary(contentType));
    }

    @Test
    void longestLegalBoundaryWorks() throws IOException {
        String boundary = "b".repeat(MultipartReader.MAX_BOUNDARY);
        assertEquals(boundary, MultipartReader.boundary("multipart/form-data; boundary=" + boundary));
        assertThrows(MalformedMultipartException.class,
                () -> MultipartReader.boundary("multipart/form-data; boundary=" + boundary + "b"));
    }
}

package dev.h2fs.files.upload;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A streaming {@code multipart/form-data} reader (RFC 7578, RFC 2046 section 5.1). It holds one
 * fixed buffer, never a whole part, so an upload of any size costs the same memory.
 *
 * <p>Usage: {@link #nextPart()} returns each part's headers, then {@link #read} returns its body
 * until -1; {@code nextPart} skips whatever of the previous body was not read. A body that ends
 * before the closing delimiter is a {@link MalformedMultipartException}. {@link #readRun} returns
 * the body without copying it: as runs of the reader's own buffer, which the caller may hand on
 * (the reader then reads on into another buffer of its set).
 *
 * <p>Confined to one thread (the one running the upload); it blocks on the input stream.
 */
public final class MultipartReader {

    /** RFC 2046: a boundary is 1 to 70 characters. */
    static final int MAX_BOUNDARY = 70;
    /** Bound on one part's header block, so a client cannot make us buffer headers without end. */
    static final int MAX_HEADER_BYTES = 8192;
    /** Bound on parts per request; each costs a little work even when skipped. */
    static final int MAX_PARTS = 1000;
    private static final int BUFFER_SIZE = 64 * 1024;

    private enum State {
        PREAMBLE, BODY, AFTER_DELIMITER, DONE
    }

    private final InputStream in;
    /** CRLF "--" boundary: every delimiter, the first included, since we seed the buffer with CRLF. */
    private final byte[] delimiter;
    /** Horspool's shift per byte value: how far a window ending in that byte may move (see indexOfDelimiter). */
    private final int[] skip = new int[256];
    private final UploadChunks chunks;
    /** The buffer being read into; {@link #buf} is its bytes. */
    private UploadChunks.Chunk current;
    private byte[] buf;
    private int pos;
    private int lim;
    private boolean eof;
    private State state = State.PREAMBLE;
    private int parts;
    /** Start of the run {@link #readRun} returned last. */
    private int runOffset;

    /** A reader that only copies ({@link #read}): one buffer of 64 KiB. */
    public MultipartReader(InputStream in, String boundary) {
        this(in, boundary, new UploadChunks(2, BUFFER_SIZE));
    }

    /**
     * @param chunks the buffers to read into; {@link #readRun} needs at least two, so that it can read on while a run
     *        it handed on is still held
     */
    MultipartReader(InputStream in, String boundary, UploadChunks chunks) {
        this.in = in;
        this.chunks = chunks;
        this.current = chunks.takeFree();
        this.buf = current.bytes;
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.US_ASCII);
        Arrays.fill(skip, delimiter.length);
        for (int i = 0; i < delimiter.length - 1; i++) {
            skip[delimiter[i] & 0xff] = delimiter.length - 1 - i;
        }
        // The first delimiter may open the body without a preceding CRLF; seeding one lets a
        // single search find all of them.
        buf[0] = '\r';
        buf[1] = '\n';
        lim = 2;
    }

    /**
     * The boundary parameter of a {@code multipart/form-data} content type.
     *
     * @throws MalformedMultipartException if it is missing or not a legal boundary
     */
    public static String boundary(String contentType) throws MalformedMultipartException {
        if (contentType == null) {
            throw new MalformedMultipartException("missing Content-Type");
        }
        List<String> fields = splitParams(contentType);
        if (!fields.get(0).trim().toLowerCase(Locale.ROOT).equals("multipart/form-data")) {
            throw new MalformedMultipartException("Content-Type must be multipart/form-data");
        }
        String boundary = null;
        for (int i = 1; i < fields.size(); i++) {
            String[] kv = param(fields.get(i));
            if (kv != null && kv[0].equals("boundary")) {
                boundary = kv[1];
            }
        }
        if (boundary == null || boundary.isEmpty()) {
            throw new MalformedMultipartException("multipart/form-data without a boundary parameter");
        }
        if (boundary.length() > MAX_BOUNDARY || boundary.endsWith(" ")) {
            throw new MalformedMultipartException("invalid multipart boundary");
        }
        for (int i = 0; i < boundary.length(); i++) {
            char c = boundary.charAt(i);
            boolean bchar = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "'()+_,-./:=? ".indexOf(c) >= 0;
            if (!bchar) {
                throw new MalformedMultipartException("invalid multipart boundary");
            }
        }
        return boundary;
    }

    /** Moves to the next part and returns its headers, or null after the last part. */
    public PartHeaders nextPart() throws IOException {
        byte[] skip = null;
        while (state == State.PREAMBLE || state == State.BODY) {
            if (skip == null) {
                skip = new byte[8192];
            }
            read(skip, 0, skip.length);
        }
        if (state == State.DONE) {
            return null;
        }
        // After a delimiter: "--" closes the body; otherwise optional padding, then CRLF, then headers.
        require(2);
        if (buf[pos] == '-' && buf[pos + 1] == '-') {
            pos += 2;
            state = State.DONE;
            return null;
        }
        while (true) {
            require(1);
            if (buf[pos] == ' ' || buf[pos] == '\t') {
                pos++;
            } else {
                break;
            }
        }
        require(2);
        if (buf[pos] != '\r' || buf[pos + 1] != '\n') {
            throw new MalformedMultipartException("malformed multipart delimiter line");
        }
        pos += 2;
        if (++parts > MAX_PARTS) {
            throw new MalformedMultipartException("more than " + MAX_PARTS + " parts");
        }
        PartHeaders headers = readHeaders();
        state = State.BODY;
        return headers;
    }

    /**
     * Reads the current part's body into {@code b}: up to {@code len} bytes, or -1 at the end of
     * the part (and before the first part or after the last).
     */
    public int read(byte[] b, int off, int len) throws IOException {
        if (state != State.BODY && state != State.PREAMBLE) {
            return -1;
        }
        int end = bodyEnd();
        if (end < 0) {
            return -1;
        }
        int n = Math.min(len, end - pos);
        if (b != null) {
            System.arraycopy(buf, pos, b, off, n);
        }
        pos += n;
        return n;
    }

    /**
     * Finds how far the current part's body can be handed out from {@code pos}, reading more input as needed: up to a
     * found delimiter, or else up to where a delimiter cut by the buffer end could start. At the delimiter, steps over
     * it and ends the part.
     *
     * @return the end (exclusive) of the body bytes available at {@code pos}, more than {@code pos}; -1 at the end of
     *         the part
     */
    private int bodyEnd() throws IOException {
        while (true) {
            int found = indexOfDelimiter();
            if (found == pos) {
                pos += delimiter.length;
                state = State.AFTER_DELIMITER;
                return -1;
            }
            int safeEnd = found >= 0 ? found : Math.max(pos, lim - delimiter.length + 1);
            if (safeEnd > pos) {
                return safeEnd;
            }
            if (!fill()) {
                throw new MalformedMultipartException("multipart body ends before its closing boundary");
            }
        }
    }

    /**
     * Reads the next run of the current part's body without copying it: bytes {@link #runOffset()} to {@code
     * runOffset() + n} of {@link #runChunk()}. They stay untouched as long as the caller holds the chunk ({@code
     * retain}, then {@code release} when done); otherwise only until the next call on this reader. Takes in first
     * what the input has ready without blocking, so that runs are long when the reader is behind.
     *
     * @return the run's length {@code n > 0}, or -1 at the end of the part
     */
    int readRun() throws IOException {
        if (state != State.BODY && state != State.PREAMBLE) {
            return -1;
        }
        topUp();
        int end = bodyEnd();
        if (end < 0) {
            return -1;
        }
        runOffset = pos;
        int n = end - pos;
        pos = end;
        return n;
    }

    /** @return where the run {@link #readRun} returned last starts in {@link #runChunk()} */
    int runOffset() {
        return runOffset;
    }

    /** @return the buffer holding the run {@link #readRun} returned last */
    UploadChunks.Chunk runChunk() {
        return current;
    }

    /** Appends what the input has ready (without blocking) to the free end of the buffer. */
    private void topUp() throws IOException {
        int ready;
        while (!eof && lim < buf.length && (ready = in.available()) > 0) {
            int n = in.read(buf, lim, Math.min(ready, buf.length - lim));
            if (n < 0) {
                eof = true;
            } else {
                lim += n;
            }
        }
    }

    /** Gives back the buffer the reader holds. Call once, when done with the reader. */
    void release() {
        if (current != null) {
            current.release();
            current = null;
        }
    }

    /**
     * The first delimiter wholly in the unread bytes, or -1. Boyer-Moore-Horspool: the byte under the window's last
     * position says how far the delimiter can move without passing a match, usually its whole length (curl's are over
     * 40 bytes), so a body is not looked at byte by byte: the byte-wise scan was half of the upload thread's CPU.
     */
    private int indexOfDelimiter() {
        int m = delimiter.length;
        int last = lim - m;
        int i = pos;
        while (i <= last) {
            int j = m - 1;
            while (buf[i + j] == delimiter[j]) {
                if (j == 0) {
                    return i;
                }
                j--;
            }
            i += skip[buf[i + m - 1] & 0xff];
        }
        return -1;
    }

    private PartHeaders readHeaders() throws IOException {
        String name = null;
        String filename = null;
        String filenameStar = null;
        String contentType = null;
        int total = 0;
        List<String> lines = new ArrayList<>();
        while (true) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            while (true) {
                require(1);
                byte c = buf[pos++];
                if (++total > MAX_HEADER_BYTES) {
                    throw new MalformedMultipartException(
                            "multipart part headers exceed " + MAX_HEADER_BYTES + " bytes");
                }
                if (c == '\n') {
                    break;
                }
                line.write(c);
            }
            String text = line.toString(StandardCharsets.UTF_8);
            if (text.endsWith("\r")) {
                text = text.substring(0, text.length() - 1);
            }
            if (text.isEmpty()) {
                break;
            }
            if ((text.charAt(0) == ' ' || text.charAt(0) == '\t') && !lines.isEmpty()) {
                lines.set(lines.size() - 1, lines.get(lines.size() - 1) + " " + text.trim()); // obsolete folding
            } else {
                lines.add(text);
            }
        }
        for (String header : lines) {
            int colon = header.indexOf(':');
            if (colon <= 0) {
                throw new MalformedMultipartException("malformed multipart part header");
            }
            String key = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = header.substring(colon + 1).trim();
            if (key.equals("content-type")) {
                contentType = value;
            } else if (key.equals("content-disposition")) {
                List<String> fields = splitParams(value);
                for (int i = 1; i < fields.size(); i++) {
                    String[] kv = param(fields.get(i));
                    if (kv == null) {
                        continue;
                    }
                    switch (kv[0]) {
                        case "name" -> name = kv[1];
                        case "filename" -> filename = kv[1];
                        case "filename*" -> filenameStar = decodeExtValue(kv[1]);
                        default -> {
                        }
                    }
                }
            }
        }
        return new PartHeaders(name, filenameStar != null ? filenameStar : filename, contentType);
    }

    /** RFC 8187 ext-value: {@code charset'lang'percent-encoded}. Null if not decodable. */
    private static String decodeExtValue(String value) {
        int first = value.indexOf('\'');
        int second = first < 0 ? -1 : value.indexOf('\'', first + 1);
        if (second < 0 || !value.substring(0, first).equalsIgnoreCase("UTF-8")) {
            return null;
        }
        try {
            return URLDecoder.decode(value.substring(second + 1).replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Splits a header value on ';' outside quoted strings. */
    private static List<String> splitParams(String value) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (quoted && c == '\\' && i + 1 < value.length()) {
                cur.append(c).append(value.charAt(++i));
                continue;
            }
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == ';' && !quoted) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }

    /** {@code key=value} or {@code key="quoted\"value"} as {lowercase key, unquoted value}; null if not a parameter. */
    private static String[] param(String field) {
        int eq = field.indexOf('=');
        if (eq <= 0) {
            return null;
        }
        String key = field.substring(0, eq).trim().toLowerCase(Locale.ROOT);
        String value = field.substring(eq + 1).trim();
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            StringBuilder sb = new StringBuilder();
            for (int i = 1; i < value.length() - 1; i++) {
                char c = value.charAt(i);
                if (c == '\\' && i + 1 < value.length() - 1) {
                    c = value.charAt(++i);
                }
                sb.append(c);
            }
            value = sb.toString();
        }
        return new String[] { key, value };
    }

    /** Ensures {@code n} unread bytes are buffered. */
    private void require(int n) throws IOException {
        while (lim - pos < n) {
            if (!fill()) {
                throw new MalformedMultipartException("multipart body ends before its closing boundary");
            }
        }
    }

    /** Reads more input after the unread bytes; false at end of input. */
    private boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        if (current.shared()) {
            if (lim == buf.length) {
                // Runs handed on may still be read before pos: read on into another buffer, taking the unread tail
                // (at most a delimiter's length, or part of a header line) along.
                UploadChunks.Chunk next = chunks.take();
                System.arraycopy(buf, pos, next.bytes, 0, lim - pos);
                lim -= pos;
                pos = 0;
                current.release();
                current = next;
                buf = next.bytes;
            }
        } else if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, lim - pos);
            lim -= pos;
            pos = 0;
        }
        int n = in.read(buf, lim, buf.length - lim);
        if (n < 0) {
            eof = true;
            return false;
        }
        lim += n;
        return true;
    }
}

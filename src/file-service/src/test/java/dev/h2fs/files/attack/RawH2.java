package dev.h2fs.files.attack;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A hand-rolled HTTP/2 client for attack tests: writes frames exactly as told (including ones a
 * well-behaved client never would) and reads what the server answers. HPACK is literal-only
 * (no indexing, no Huffman), which every decoder must accept (RFC 7541 6.2.2).
 *
 * <p>Confined to the test thread.
 */
public final class RawH2 implements AutoCloseable {

    public static final int DATA = 0x0;
    public static final int HEADERS = 0x1;
    public static final int RST_STREAM = 0x3;
    public static final int SETTINGS = 0x4;
    public static final int PING = 0x6;
    public static final int GOAWAY = 0x7;
    public static final int WINDOW_UPDATE = 0x8;
    public static final int CONTINUATION = 0x9;

    public static final int END_STREAM = 0x1;
    public static final int ACK = 0x1;
    public static final int END_HEADERS = 0x4;

    public static final int ENHANCE_YOUR_CALM = 0xb;
    public static final int CANCEL = 0x8;
    public static final int PROTOCOL_ERROR = 0x1;
    public static final int REFUSED_STREAM = 0x7;

    public static final int SETTINGS_INITIAL_WINDOW_SIZE = 0x4;

    /** One frame read from the server. */
    public record Frame(int type, int flags, int stream, byte[] payload) {
        /** The error code of a GOAWAY or RST_STREAM. */
        public int errorCode() {
            int off = type == GOAWAY ? 4 : 0;
            return ((payload[off] & 0xff) << 24) | ((payload[off + 1] & 0xff) << 16) | ((payload[off + 2] & 0xff) << 8)
                    | (payload[off + 3] & 0xff);
        }
    }

    private final Socket socket;
    private final Socket tcp;
    private final OutputStream out;
    private final DataInputStream in;
    // Whether a read ended in a reset (ECONNRESET) rather than the end of the stream.
    private boolean reset;

    public RawH2(String host, int port) throws IOException {
        this(host, port, 0);
    }

    /**
     * @param receiveBuffer SO_RCVBUF to ask for before connecting (small: a client that reads slowly fills up fast),
     *        or 0 for the system default
     */
    public RawH2(String host, int port, int receiveBuffer) throws IOException {
        this(connect(host, port, receiveBuffer));
    }

    /** Over a socket already connected; closed with this client. */
    public RawH2(Socket connected) throws IOException {
        this(connected, connected);
    }

    /**
     * Over a TLS socket that negotiated {@code h2}, layered over {@code tcp}; closed with this client.
     *
     * @param tcp the TCP connection beneath {@code connected}, read by {@link #endedInOrder()} once TLS has ended
     */
    public RawH2(Socket connected, Socket tcp) throws IOException {
        socket = connected;
        this.tcp = tcp;
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        // Buffered: floods go out in large writes; read() flushes first, so nothing written is ever forgotten.
        out = new java.io.BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
        in = new DataInputStream(socket.getInputStream());
    }

    private static Socket connect(String host, int port, int receiveBuffer) throws IOException {
        Socket socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new java.net.InetSocketAddress(host, port), 5_000);
        return socket;
    }

    /** SETTINGS with the given (identifier, value) pairs. */
    public RawH2 settings(int... pairs) throws IOException {
        byte[] p = new byte[pairs.length / 2 * 6];
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            int o = i / 2 * 6;
            p[o] = (byte) (pairs[i] >>> 8);
            p[o + 1] = (byte) pairs[i];
            System.arraycopy(int32(pairs[i + 1]), 0, p, o + 2, 4);
        }
        return frame(SETTINGS, 0, 0, p);
    }

    public RawH2 windowUpdate(int stream, int increment) throws IOException {
        return frame(WINDOW_UPDATE, 0, stream, int32(increment));
    }

    /** Client preface and an empty SETTINGS frame. */
    public RawH2 preface() throws IOException {
        out.write(prefaceBytes());
        frame(SETTINGS, 0, 0, new byte[0]);
        return this;
    }

    public RawH2 frame(int type, int flags, int stream, byte[] payload) throws IOException {
        out.write(frameHeader(payload.length, type, flags, stream));
        out.write(payload);
        return this;
    }

    /** The client connection preface (RFC 9113 section 3.4), a fresh copy. */
    public static byte[] prefaceBytes() {
        return "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    }

    /** The 9-byte header of a frame with a payload of {@code length} bytes (RFC 9113 section 4.1). */
    public static byte[] frameHeader(int length, int type, int flags, int stream) {
        return new byte[] { (byte) (length >>> 16), (byte) (length >>> 8), (byte) length, (byte) type, (byte) flags,
                (byte) (stream >>> 24), (byte) (stream >>> 16), (byte) (stream >>> 8), (byte) stream };
    }

    public RawH2 flush() throws IOException {
        out.flush();
        return this;
    }

    /** A HEADERS frame with END_HEADERS for a GET of {@code path}. */
    public RawH2 get(int stream, String path, boolean endStream) throws IOException {
        return frame(HEADERS, END_HEADERS | (endStream ? END_STREAM : 0), stream, request("GET", path));
    }

    public RawH2 rst(int stream, int error) throws IOException {
        return frame(RST_STREAM, 0, stream, int32(error));
    }

    public RawH2 ping(long data) throws IOException {
        byte[] p = new byte[8];
        for (int i = 0; i < 8; i++) {
            p[i] = (byte) (data >>> (56 - 8 * i));
        }
        return frame(PING, 0, 0, p);
    }

    /** HPACK block of a request's pseudo-headers plus {@code extra} name/value pairs. */
    public static byte[] request(String method, String path, String... extra) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        literal(b, ":method", method);
        literal(b, ":scheme", "http");
        literal(b, ":path", path);
        literal(b, ":authority", "localhost");
        for (int i = 0; i + 1 < extra.length; i += 2) {
            literal(b, extra[i], extra[i + 1]);
        }
        return b.toByteArray();
    }

    /** Literal header field with incremental indexing, new name (RFC 7541 6.2.1): enters the dynamic table. */
    public static void literalIndexed(ByteArrayOutputStream b, String name, String value) {
        b.write(0x40);
        string(b, name);
        string(b, value);
    }

    /** Indexed header field (RFC 7541 6.1); 62 is the newest dynamic table entry. */
    public static void indexed(ByteArrayOutputStream b, int index) {
        integer(b, index, 7, 0x80);
    }

    /**
     * The {@code :status} of a response HEADERS frame, read from the first field of its block: a static-table index
     * (200, 204, 206, 304, 400, 404, 500) or a literal with the {@code :status} name index and a plain 3-digit value,
     * as Netty encodes every other status on a fresh connection. -1 if neither.
     */
    public static int status(Frame headers) {
        byte[] all = headers.payload();
        int start = (headers.flags() & 0x8) != 0 ? 1 : 0; // PADDED: pad length
        start += (headers.flags() & 0x20) != 0 ? 5 : 0; // PRIORITY: dependency and weight
        byte[] p = java.util.Arrays.copyOfRange(all, start, all.length);
        int first = p[0] & 0xff;
        int[] statics = { 200, 204, 206, 304, 400, 404, 500 };
        if (first >= 0x88 && first <= 0x8e) {
            return statics[first - 0x88];
        }
        if ((first == 0x48 || first == 0x08 || first == 0x18) && p.length >= 5 && p[1] == 3) {
            return Integer.parseInt(new String(p, 2, 3, StandardCharsets.US_ASCII));
        }
        return -1;
    }

    /** Literal header field without indexing, new name (RFC 7541 6.2.2). */
    public static void literal(ByteArrayOutputStream b, String name, String value) {
        b.write(0x00);
        string(b, name);
        string(b, value);
    }

    private static void string(ByteArrayOutputStream b, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        integer(b, bytes.length, 7, 0x00);
        b.writeBytes(bytes);
    }

    /** HPACK integer with an N-bit prefix (RFC 7541 5.1). */
    private static void integer(ByteArrayOutputStream b, int value, int prefixBits, int firstByteFlags) {
        int max = (1 << prefixBits) - 1;
        if (value < max) {
            b.write(firstByteFlags | value);
            return;
        }
        b.write(firstByteFlags | max);
        value -= max;
        while (value >= 128) {
            b.write((value & 0x7f) | 0x80);
            value >>>= 7;
        }
        b.write(value);
    }

    public static byte[] int32(int v) {
        return new byte[] { (byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v };
    }

    /** The next frame, or null when the server closed the connection. */
    public Frame read() throws IOException {
        try {
            out.flush();
        } catch (IOException closedOnUs) {
            // the server may have closed already; what it sent before is still to be read
        }
        byte[] header = new byte[9];
        try {
            in.readFully(header);
        } catch (EOFException e) {
            return null;
        } catch (java.net.SocketException e) {
            reset = true;
            return null; // reset by the server: as closed
        }
        int length = ((header[0] & 0xff) << 16) | ((header[1] & 0xff) << 8) | (header[2] & 0xff);
        int stream = ((header[5] & 0x7f) << 24) | ((header[6] & 0xff) << 16) | ((header[7] & 0xff) << 8)
                | (header[8] & 0xff);
        byte[] payload = new byte[length];
        try {
            in.readFully(payload);
        } catch (EOFException e) {
            return null;
        } catch (java.net.SocketException e) {
            reset = true;
            return null;
        }
        return new Frame(header[3] & 0xff, header[4] & 0xff, stream, payload);
    }

    /**
     * Reads frames until a GOAWAY arrives or the connection closes, within {@code millis}.
     *
     * @return the GOAWAY, or null if the connection closed without one
     * @throws SocketTimeoutException if neither happened in time
     */
    public Frame awaitGoAway(long millis) throws IOException {
        socket.setSoTimeout((int) millis);
        Frame f;
        while ((f = read()) != null) {
            if (f.type() == GOAWAY) {
                return f;
            }
        }
        return null;
    }

    /** Frames read until {@code stop} is seen on {@code stream} (END_STREAM, RST or GOAWAY) or the connection closes. */
    public List<Frame> readUntilStreamEnds(int stream) throws IOException {
        List<Frame> frames = new ArrayList<>();
        Frame f;
        while ((f = read()) != null) {
            frames.add(f);
            if (f.type() == GOAWAY || (f.stream() == stream && (f.type() == RST_STREAM
                    || ((f.type() == DATA || f.type() == HEADERS) && (f.flags() & END_STREAM) != 0)))) {
                break;
            }
        }
        return frames;
    }

    /**
     * Reads frames until one matches, within {@code millis}.
     *
     * @return the frame, or null when the connection closed first
     * @throws SocketTimeoutException if neither happened in time
     */
    public Frame readUntil(java.util.function.Predicate<Frame> wanted, long millis) throws IOException {
        socket.setSoTimeout((int) millis);
        Frame f;
        while ((f = read()) != null) {
            if (wanted.test(f)) {
                return f;
            }
        }
        return null;
    }

    /** Whether the server closed (or reset) the connection within {@code millis}, reading and dropping frames. */
    public boolean closedWithin(long millis) throws IOException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return false;
            }
            socket.setSoTimeout((int) left);
            try {
                if (read() == null) {
                    return true;
                }
            } catch (SocketTimeoutException e) {
                return false;
            }
        }
    }

    /** Writes raw bytes (a preface cut short, an HTTP/1.1 head...). */
    public RawH2 raw(byte[] bytes) throws IOException {
        out.write(bytes);
        return this;
    }

    /** @return whether a read so far met a reset of the connection instead of its orderly end */
    public boolean wasReset() {
        return reset;
    }

    /**
     * After the end of the stream: whether the TCP connection ended with the server's FIN, not a reset. Over TLS the
     * end of the stream is the server's close_notify, which comes before whatever ends the TCP connection, so the
     * connection beneath is read once more.
     */
    public boolean endedInOrder() throws IOException {
        if (reset) {
            return false;
        }
        if (tcp == socket) {
            return true;
        }
        try {
            tcp.setSoTimeout(5_000);
            return tcp.getInputStream().read() < 0;
        } catch (java.net.SocketException e) {
            return false;
        }
    }

    public boolean isClosedByServer() {
        try {
            socket.setSoTimeout(5000);
            while (read() != null) {
                // drain
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** Sends what is buffered, then the FIN: the client is done with the connection, answers or not. */
    public void hangUp() throws IOException {
        out.flush();
        socket.shutdownOutput();
    }

    /** Asserts that the server answered with GOAWAY({@code errorCode}) and then closed the connection. */
    public void assertGoAwayThenClose(int errorCode) throws IOException {
        Frame goAway = awaitGoAway(5_000);
        org.junit.jupiter.api.Assertions.assertNotNull(goAway, "closed without GOAWAY");
        org.junit.jupiter.api.Assertions.assertEquals(errorCode, goAway.errorCode(), "GOAWAY error code");
        org.junit.jupiter.api.Assertions.assertTrue(closedWithin(5_000), "connection left open after GOAWAY");
    }
}

package dev.h2fs.transport.deployment;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads HTTP/1.1 responses off a raw socket one after another, as they come (pipelining, interim responses, framing by
 * length or by chunks), so that tests see the order and the exact head of each.
 * <p>
 * Thread: the test thread.
 */
final class Http1Replies {

    /** One response: status, headers (names in lower case, the last value of each), body. */
    record Reply(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    Http1Replies(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Sends raw request bytes (one request or many, pipelined). */
    void send(String requests) throws IOException {
        out.write(requests.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** @return a {@code GET} (or {@code method}) request of {@code path} with {@code Host} and the extra header lines */
    static String request(String method, String path, String... headerLines) {
        StringBuilder request = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append("Host: localhost\r\n");
        for (String line : headerLines) {
            request.append(line).append("\r\n");
        }
        return request.append("\r\n").toString();
    }

    /**
     * Reads the next final response (an interim 1xx is skipped).
     *
     * @param head whether it answers a {@code HEAD}: no body follows its head
     */
    Reply next(boolean head) throws IOException {
        while (true) {
            String statusLine = line();
            if (statusLine == null) {
                throw new IOException("connection closed before a response");
            }
            int status = Integer.parseInt(statusLine.split(" ")[1]);
            Map<String, String> headers = new LinkedHashMap<>();
            for (String line = line(); line != null && !line.isEmpty(); line = line()) {
                int colon = line.indexOf(':');
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
            if (status / 100 == 1) {
                continue;
            }
            String body = head || status == 204 || status == 304 ? "" : body(headers);
            return new Reply(status, headers, body);
        }
    }

    Reply next() throws IOException {
        return next(false);
    }

    /** @return whether the server closed the connection (end of stream within the socket's timeout) */
    boolean closedByServer() {
        try {
            return in.read() < 0;
        } catch (IOException e) {
            return true; // reset
        }
    }

    private String body(Map<String, String> headers) throws IOException {
        String length = headers.get("content-length");
        if (length != null) {
            return new String(in.readNBytes(Integer.parseInt(length)), StandardCharsets.ISO_8859_1);
        }
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            for (int size = Integer.parseInt(line().trim(), 16); size > 0; size = Integer.parseInt(line().trim(), 16)) {
                body.write(in.readNBytes(size));
                line();
            }
            for (String trailer = line(); trailer != null && !trailer.isEmpty(); trailer = line()) {
                // trailers are not kept
            }
            return body.toString(StandardCharsets.ISO_8859_1);
        }
        return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1); // delimited by the close
    }

    private String line() throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                int end = line.length();
                return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
            }
            line.append((char) c);
        }
        return line.length() == 0 ? null : line.toString();
    }

    Socket socket() {
        return socket;
    }
}

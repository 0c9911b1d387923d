package dev.h2fs.transport.deployment;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A bare HTTP/1.1 exchange over a plain socket, for tests that need to see a connection being refused or closed.
 * <p>
 * Thread: the test thread.
 */
final class RawHttp {

    private RawHttp() {
    }

    static Socket connect(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("localhost", port), 2_000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    /**
     * Sends one {@code GET path} with {@code Connection: close} and reads to the end.
     *
     * @return the raw response, or {@code null} if the server closed or reset the connection without answering
     */
    static String get(Socket socket, String path) {
        try {
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            in.transferTo(response);
            return response.size() == 0 ? null : response.toString(StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return null; // reset: a shed connection
        } finally {
            try {
                socket.close();
            } catch (IOException ignored) {
                // nothing left to release
            }
        }
    }
}

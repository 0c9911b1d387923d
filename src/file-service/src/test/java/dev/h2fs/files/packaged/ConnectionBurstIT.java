package dev.h2fs.files.packaged;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A burst of connections past the process's file descriptor limit, on the packaged service started as an operator
 * would ({@code ulimit -n 400}): it must never leave a service that no longer accepts.
 * <ul>
 * <li>With the connection limit out of the way, accept() fails with EMFILE: the listener backs off and retries, and
 * once the burst is gone, requests are served again within seconds; liveness stays UP.</li>
 * <li>With the default limit (three quarters of the descriptors free at start-up), accepting pauses at the limit and
 * no accept error occurs at all; the burst waits in the kernel's backlog.</li>
 * </ul>
 */
class ConnectionBurstIT {

    private static final int FD_LIMIT = 400;
    private static final int BURST = 600;

    @TempDir
    Path store;

    @Test
    void aBurstPastTheFdLimitBacksOffAndTheServiceServesAgain() throws Exception {
        try (ServiceProcess service = ServiceProcess.startWithFdLimit(FD_LIMIT,
                Map.of("FILES_DIR", store.toString(), "THREADS", "2"), "-Dh2fs.transport.max-connections=100000")) {
            int port = service.awaitPort();
            // A service that has served traffic, as one that meets a burst in production has. On a service that has
            // served nothing yet, the classes of the request path are still to be loaded from jars that Quarkus's
            // class loader reopens lazily; at EMFILE that fails, and the service may not recover (seen once in CI).
            warmUp(port);
            burst(port);
            assertServedWithin(port, 10_000, service);
            assertEquals(200, status(port, "/q/health/live"), service.output());
            String metrics = body(port, "/q/metrics");
            assertTrue(counter(metrics, "h2fs_transport_accept_errors_total") > 0, "no EMFILE seen: the test is void");
            assertTrue(service.output().contains("not accepting for"), service.output());
            assertFalse(service.output().contains("only a restart helps"), service.output());
        }
    }

    @Test
    void withTheDefaultLimitTheBurstWaitsAndNoAcceptFails() throws Exception {
        try (ServiceProcess service = ServiceProcess.startWithFdLimit(FD_LIMIT,
                Map.of("FILES_DIR", store.toString(), "THREADS", "2"))) {
            int port = service.awaitPort();
            warmUp(port);
            burst(port);
            assertServedWithin(port, 10_000, service);
            String metrics = body(port, "/q/metrics");
            assertEquals(0, counter(metrics, "h2fs_transport_accept_errors_total"), metrics);
            assertTrue(counter(metrics, "h2fs_transport_accept_paused_total") >= 1, metrics);
            double max = counter(metrics, "h2fs_transport_connections_max");
            assertTrue(max > 0 && max < FD_LIMIT, "default limit " + max);
        }
    }

    /** Serves the request paths the test uses later, over HTTP/1.1 (what HttpURLConnection speaks). */
    private static void warmUp(int port) throws IOException {
        assertEquals(200, status(port, "/files"));
        assertEquals(200, status(port, "/q/health/live"));
        body(port, "/q/metrics");
    }

    /** Opens {@link #BURST} connections at once (the kernel completes them into the backlog), then closes them. */
    private static void burst(int port) throws IOException, InterruptedException {
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < BURST; i++) {
                Socket socket = new Socket();
                socket.connect(new InetSocketAddress("localhost", port), 5_000);
                sockets.add(socket);
            }
            Thread.sleep(1_500);
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    private static void assertServedWithin(int port, long millis, ServiceProcess service)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        int last = -1;
        while (System.currentTimeMillis() < deadline) {
            try {
                last = status(port, "/files");
                if (last == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // refused or timed out: try again
            }
            Thread.sleep(200);
        }
        throw new AssertionError("not served within " + millis + " ms (last status " + last + ")\n" + service.output());
    }

    private static int status(int port, String path) throws IOException {
        HttpURLConnection c = open(port, path);
        try {
            return c.getResponseCode();
        } finally {
            c.disconnect();
        }
    }

    private static String body(int port, String path) throws IOException {
        HttpURLConnection c = open(port, path);
        try (var in = c.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } finally {
            c.disconnect();
        }
    }

    private static HttpURLConnection open(int port, String path) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create("http://localhost:" + port + path).toURL()
                .openConnection();
        c.setConnectTimeout(2_000);
        c.setReadTimeout(3_000);
        return c;
    }

    private static double counter(String metrics, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(?:\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(metrics);
        double sum = 0;
        while (m.find()) {
            sum += Double.parseDouble(m.group(1));
        }
        return sum;
    }
}

package dev.h2fs.files.packaged;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

/**
 * Tracing as an operator meets it in the packaged service: in the build and off by default, with nothing about it in
 * the log; turned on at run time with Quarkus's own keys, it exports the traces of fast-path requests over OTLP
 * ({@code http/protobuf} here, to a collector stand-in that accepts every export).
 */
class TracingIT {

    @TempDir
    Path store;

    @Test
    void offByDefaultWithNothingAboutItInTheLog() throws Exception {
        Files.writeString(store.resolve("hello.txt"), "hello");
        try (ServiceProcess service = ServiceProcess.start(Map.of("FILES_DIR", store.toString()))) {
            int port = service.awaitPort();
            assertEquals(200, get(port, "/files/hello.txt").statusCode());
            Thread.sleep(6_000); // longer than the batch exporter's default delay (5 s): it would have tried by now
            service.terminate();
            service.awaitExit(20);
            for (String line : service.output().split("\n")) {
                String lower = line.toLowerCase(Locale.ROOT);
                boolean complaint = line.contains(" WARN ") || line.contains(" ERROR ");
                assertFalse(complaint && (lower.contains("otel") || lower.contains("opentelemetry")
                        || lower.contains("otlp") || lower.contains("export")), line);
            }
        }
    }

    @Test
    void onAtRunTimeItExportsFastPathRequestsOverOtlp() throws Exception {
        Files.writeString(store.resolve("hello.txt"), "hello");
        BlockingQueue<byte[]> exports = new LinkedBlockingQueue<>();
        HttpServer collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        collector.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (exchange.getRequestURI().getPath().equals("/v1/traces")) {
                exports.add(body);
            }
            exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        collector.start();
        try (ServiceProcess service = ServiceProcess.start(Map.of("FILES_DIR", store.toString(),
                "QUARKUS_OTEL_SDK_DISABLED", "false",
                "QUARKUS_OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/protobuf",
                "QUARKUS_OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://127.0.0.1:" + collector.getAddress().getPort(),
                "QUARKUS_OTEL_BSP_SCHEDULE_DELAY", "100ms"))) {
            int port = service.awaitPort();
            HttpResponse<String> response = get(port, "/files/hello.txt");
            assertEquals(200, response.statusCode());
            assertEquals(HttpClient.Version.HTTP_2, response.version(), "h2c: the fast path's protocol");
            assertTrue(exportedTrace(exports, TRACE_ID), "the fast-path request's trace reached the collector:\n"
                    + service.output());
            assertTrue(service.output().contains("traced by Vert.x's tracer"), service.output());
            String metrics = get(port, "/q/metrics").body();
            double fastPath = 0;
            for (String line : metrics.split("\n")) {
                if (line.startsWith("h2fs_transport_fastpath_requests_total{")) {
                    fastPath += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            assertEquals(1.0, fastPath, "the traced request took the fast path");
        } finally {
            collector.stop(0);
        }
    }

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

    /** Whether an OTLP export carrying the trace (its 16 raw bytes, as protobuf holds them) arrives within 20 s. */
    private static boolean exportedTrace(BlockingQueue<byte[]> exports, String traceId) throws InterruptedException {
        byte[] id = java.util.HexFormat.of().parseHex(traceId);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
            byte[] export = exports.poll(left, TimeUnit.NANOSECONDS);
            if (export != null && indexOf(export, id) >= 0) {
                return true;
            }
        }
        return false;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        // h2c by upgrade from the JDK client: its first request is HTTP/1.1 (Vert.x's path), so ask twice.
        client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("traceparent", "00-" + TRACE_ID + "-00f067aa0ba902b7-01").build(),
                HttpResponse.BodyHandlers.ofString());
    }
}

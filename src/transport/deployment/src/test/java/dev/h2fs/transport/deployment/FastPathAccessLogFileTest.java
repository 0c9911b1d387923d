package dev.h2fs.transport.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;

import dev.h2fs.transport.TransportServer;
import dev.h2fs.transport.quarkus.TransportLifecycle;

/**
 * The access log to a file of its own keeps the fast path, and its lines go to Quarkus's own writer of that file:
 * one file, each line whole, in the order the requests ended, whichever path served them.
 */
class FastPathAccessLogFileTest {

    private static final Path DIR = directory(Path.of("target", "access-log-file-test"));

    @RegisterExtension
    static final QuarkusUnitTest TEST = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(ThreadResource.class, H2cClient.class))
            .overrideConfigKey("h2fs.transport.port", "0")
            // HTTP/1.1 requests are the Vert.x path's reference here
            .overrideConfigKey("h2fs.transport.fast-path.http1", "false")
            .overrideConfigKey("h2fs.transport.threads", "1")
            .overrideConfigKey("quarkus.http.access-log.enabled", "true")
            .overrideConfigKey("quarkus.http.access-log.log-to-file", "true")
            .overrideConfigKey("quarkus.http.access-log.log-directory", DIR.toString())
            .overrideConfigKey("quarkus.http.access-log.base-file-name", "access")
            .overrideConfigKey("quarkus.http.access-log.pattern", "\"%r\" %s %b");

    @Inject
    TransportLifecycle lifecycle;

    @Test
    void fastPathLinesGoToQuarkussWriterOfTheFile() throws Exception {
        TransportServer server = lifecycle.server();
        int port = server.boundAddress().getPort();
        long before = server.fastPathServed(0);
        try (H2cClient h2 = H2cClient.priorKnowledge(port); H2cClient http1 = H2cClient.http1(port)) {
            assertEquals(200, h2.get("/thread/non-blocking?fast").status());
            awaitLines(1);
            assertEquals(200, http1.get("/thread/non-blocking?vertx").status());
            awaitLines(2);
        }
        assertEquals(before + 1, server.fastPathServed(0));
        List<String> lines = awaitLines(2);
        assertEquals("\"GET /thread/non-blocking?fast HTTP/2\" 200 13", lines.get(0).replaceAll("[0-9]+$", "13"));
        assertTrue(lines.get(1).startsWith("\"GET /thread/non-blocking?vertx HTTP/1.1\" 200 "), lines.get(1));
    }

    /** Quarkus's writer does not make its directory; a fresh one, without an earlier run's file. */
    private static Path directory(Path dir) {
        try {
            Files.createDirectories(dir);
            Files.deleteIfExists(dir.resolve("access.log"));
            return dir;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Quarkus's writer flushes from its own thread, a moment after each line. */
    private static List<String> awaitLines(int count) throws Exception {
        Path file = DIR.resolve("access.log");
        long deadline = System.nanoTime() + 10_000_000_000L;
        List<String> lines = List.of();
        while (System.nanoTime() < deadline) {
            if (Files.exists(file)) {
                lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                if (lines.size() >= count) {
                    return lines;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("expected " + count + " lines in " + file + ", found " + lines);
    }
}

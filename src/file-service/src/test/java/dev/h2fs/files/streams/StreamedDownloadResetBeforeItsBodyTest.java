package dev.h2fs.files.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import dev.h2fs.files.TestFiles;
import dev.h2fs.files.api.StreamBuffers;
import dev.h2fs.files.attack.RawH2;

/**
 * A streamed download holds an open file channel from its load until its body is written. 1,000 GETs of a streamed
 * file, each reset by the client right after its HEADERS (most before the server has even answered), leave the
 * process's open file descriptors and the stream-buffer budget where they started: the channel is closed on the
 * request's end whatever the path, not by the garbage collector. The connection serves on afterwards.
 */
@QuarkusTest
@TestProfile(StreamedDownloadResetBeforeItsBodyTest.SmallMappings.class)
class StreamedDownloadResetBeforeItsBodyTest {

    private static final int STREAMS = 1_000;
    private static final int CONNECTIONS = 10;

    public static class SmallMappings implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("h2fs.files.cache.max-mapped-file-size", "64K", "h2fs.files.dir",
                    "target/test-store-streamed");
        }
    }

    @TestHTTPResource("/")
    URL base;

    @Inject
    StreamBuffers buffers;

    @Test
    void resetsBeforeTheBodyLeakNoChannelAndNoBudget() throws Exception {
        String name = TestFiles.name("streamed");
        TestFiles.upload(name, TestFiles.bytes(1_000_000, 71)).then().statusCode(201);
        String path = "/files/" + name;
        // Ten connections of 100 resets each: one connection's 1,000 would trip the rapid-reset defence.
        List<RawH2> clients = new ArrayList<>();
        try {
            for (int c = 0; c < CONNECTIONS; c++) {
                RawH2 client = new RawH2(base.getHost(), base.getPort());
                clients.add(client);
                // A zero window: the server may answer HEADERS but can send no body, so every reset finds it unsent.
                client.preface().settings(RawH2.SETTINGS_INITIAL_WINDOW_SIZE, 0);
                barrier(client, 0);
            }
            long fdsBefore = openFds();
            long budgetBefore = buffers.available();
            int stream = 1;
            for (int i = 0; i < STREAMS / CONNECTIONS; i++, stream += 2) {
                for (RawH2 client : clients) {
                    client.get(stream, path, true).rst(stream, RawH2.CANCEL);
                }
            }
            for (RawH2 client : clients) {
                barrier(client, 1);
            }
            long deadline = System.nanoTime() + 10_000_000_000L;
            while ((openFds() > fdsBefore || buffers.available() != budgetBefore) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(openFds() <= fdsBefore, "open fds " + fdsBefore + " -> " + openFds());
            assertEquals(budgetBefore, buffers.available(), "stream-buffer budget");

            RawH2 last = clients.get(CONNECTIONS - 1);
            last.settings(RawH2.SETTINGS_INITIAL_WINDOW_SIZE, 65_535);
            last.get(stream, "/files", true);
            RawH2.Frame answer = last.readUntil(f -> f.type() == RawH2.HEADERS, 10_000);
            assertNotNull(answer, "the connection closed");
            assertEquals(200, RawH2.status(answer));
        } finally {
            for (RawH2 client : clients) {
                client.close();
            }
        }
    }

    /** PING and wait for its ACK: everything the server sent before it has been read. */
    private static void barrier(RawH2 client, long n) throws IOException {
        client.ping(n);
        assertNotNull(client.readUntil(f -> f.type() == RawH2.PING && (f.flags() & RawH2.ACK) != 0, 10_000),
                "the connection closed");
    }

    private static long openFds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }
}

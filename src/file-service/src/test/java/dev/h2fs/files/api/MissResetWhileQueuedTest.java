package dev.h2fs.files.api;

import static dev.h2fs.files.attack.RawH2.DATA;
import static dev.h2fs.files.attack.RawH2.END_HEADERS;
import static dev.h2fs.files.attack.RawH2.END_STREAM;
import static dev.h2fs.files.attack.RawH2.HEADERS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import dev.h2fs.files.TestFiles;
import dev.h2fs.files.attack.RawH2;
import dev.h2fs.files.cache.FileCache;

/**
 * A GET that missed the cache waits for a worker thread to load its file; the client resets the stream meanwhile. The
 * file is not loaded for nobody: the worker finds the request closed and skips the disk work.
 * <p>
 * The profile leaves one worker thread, and an upload whose body has not all arrived holds it, so the miss waits in the
 * queue for as long as the test wants.
 */
@QuarkusTest
@TestProfile(MissResetWhileQueuedTest.OneWorkerThread.class)
class MissResetWhileQueuedTest {

    private static final Path STORE = Path.of("target/test-store-one-thread");
    private static final int CANCEL = 0x8;

    /** One worker thread; its own store. */
    public static class OneWorkerThread implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.thread-pool.core-threads", "1", "quarkus.thread-pool.max-threads", "1",
                    "h2fs.files.dir", STORE.toString());
        }
    }

    @TestHTTPResource("/")
    URL base;

    @Inject
    FileCache cache;

    @Test
    void aMissResetWhileWaitingForAWorkerIsNotLoaded() throws Exception {
        String name = TestFiles.name("queued-miss");
        TestFiles.upload(name, TestFiles.bytes(10_000, 7)).then().statusCode(201);
        cache.invalidate(name);
        assertNull(cache.getIfCached(name));

        TestFiles.Multipart body = new TestFiles.Multipart("held-upload")
                .file("file", TestFiles.name("held") + ".bin", TestFiles.bytes(1_000, 1));
        try (RawH2 client = new RawH2(base.getHost(), base.getPort())) {
            client.preface()
                    .frame(HEADERS, END_HEADERS, 1, RawH2.request("POST", "/files", "content-type", body.contentType()))
                    .frame(DATA, 0, 1, body.unclosed()).flush();
            awaitUploadInProgress();

            // One connection, read in order: the miss is queued behind the upload, then reset, before the upload's
            // last DATA frees the worker.
            client.get(3, "/files/" + name, true).rst(3, CANCEL).flush();
            byte[] rest = "--held-upload--\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            client.frame(DATA, END_STREAM, 1, rest).flush();

            RawH2.Frame uploaded = client.readUntil(f -> f.stream() == 1 && f.type() == HEADERS, 10_000);
            assertNotNull(uploaded, "the upload was answered");
            assertEquals(201, RawH2.status(uploaded));
        }
        // The one worker ran the queued miss right after the upload; a GET over HTTP/1.1 queues behind it.
        TestFiles.upload(TestFiles.name("after"), new byte[1]).then().statusCode(201);
        assertNull(cache.getIfCached(name), "the reset miss was loaded anyway");
        io.restassured.RestAssured.get("/files/" + name).then().statusCode(200);
        assertNotNull(cache.getIfCached(name), "a miss that is not reset is loaded");
    }

    private static void awaitUploadInProgress() throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            try (Stream<Path> files = Files.list(STORE)) {
                if (files.anyMatch(p -> p.getFileName().toString().startsWith(".~upload-"))) {
                    return;
                }
            }
            Thread.sleep(10);
        }
        assertTrue(false, "the upload never reached its worker thread");
    }
}

package dev.h2fs.files.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import dev.h2fs.files.TestFiles;

/**
 * Readers racing repeated re-uploads of one name only ever see one complete version: every body
 * they get hashes to a version that was uploaded, and no request fails.
 */
@QuarkusTest
class AtomicReplaceTest {

    @Test
    void readersDuringReuploadsSeeOnlyCompleteVersions() throws Exception {
        String name = TestFiles.name("atomic");
        int versions = 8;
        List<byte[]> contents = new ArrayList<>();
        Set<String> hashes = ConcurrentHashMap.newKeySet();
        for (int v = 0; v < versions; v++) {
            // Different sizes too, so a mix of two versions could not even have a valid length.
            byte[] content = TestFiles.bytes(200_000 + v * 7_919, 1000 + v);
            contents.add(content);
            hashes.add(TestFiles.sha256(content));
        }
        TestFiles.upload(name, contents.get(0)).then().statusCode(201);

        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger reads = new AtomicInteger();
        Set<String> seen = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> readers = new ArrayList<>();
            for (int r = 0; r < 3; r++) {
                readers.add(pool.submit(() -> {
                    while (writing.get()) {
                        Response get = given().get("/files/" + name);
                        assertEquals(200, get.statusCode());
                        byte[] body = get.asByteArray();
                        assertEquals(Long.parseLong(get.header("Content-Length")), body.length);
                        String hash = TestFiles.sha256(body);
                        assertTrue(hashes.contains(hash), "a reader got bytes of no uploaded version");
                        seen.add(hash);
                        reads.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (int round = 0; round < 2; round++) {
                for (int v = 1; v < versions; v++) {
                    TestFiles.upload(name, contents.get(v)).then().statusCode(201);
                }
            }
            writing.set(false);
            for (Future<?> reader : readers) {
                reader.get(60, TimeUnit.SECONDS);
            }
        } finally {
            writing.set(false);
            pool.shutdownNow();
        }
        assertTrue(reads.get() > 10, "readers barely ran: " + reads.get());
        assertTrue(seen.size() > 1, "readers never saw a replacement");
    }

    @Test
    void concurrentUploadsOfOneNameLastRenameWinsAndNothingIsMixed() throws Exception {
        String name = TestFiles.name("race");
        List<byte[]> contents = new ArrayList<>();
        Set<String> hashes = ConcurrentHashMap.newKeySet();
        for (int v = 0; v < 4; v++) {
            byte[] content = TestFiles.bytes(300_000 + v * 1_009, 2000 + v);
            contents.add(content);
            hashes.add(TestFiles.sha256(content));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 3; round++) {
                List<Future<Integer>> uploads = new ArrayList<>();
                for (byte[] content : contents) {
                    uploads.add(pool.submit(() -> TestFiles.upload(name, content).statusCode()));
                }
                for (Future<Integer> upload : uploads) {
                    assertEquals(201, upload.get(60, TimeUnit.SECONDS));
                }
                byte[] stored = given().get("/files/" + name).asByteArray();
                assertTrue(hashes.contains(TestFiles.sha256(stored)), "the stored file is a mix of uploads");
            }
        } finally {
            pool.shutdownNow();
        }
        given().get("/files").then().statusCode(200)
                .body("findAll { it.name.contains('~') }.size()", org.hamcrest.Matchers.equalTo(0));
    }
}

package dev.h2fs.files.upload;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.h2fs.files.TestFiles;
import dev.h2fs.files.store.FileStore;

/**
 * A multi-file upload whose commit fails midway: every file is made durable before the first rename, but a rename can
 * still fail (here: the second name is taken by a non-empty directory, which {@code rename(2)} cannot replace). The
 * files renamed before it cannot be taken back, so the answer names exactly what was stored and what was not.
 */
@QuarkusTest
class MultiFileUploadTest {

    @Inject
    FileStore store;

    @Test
    void aRenameFailingMidwayAnswersWhichFilesWereStored() throws IOException {
        String first = TestFiles.name("multi-first");
        String blocked = TestFiles.name("multi-blocked");
        String third = TestFiles.name("multi-third");
        Path blocker = Files.createDirectories(store.root().resolve(blocked));
        Files.write(blocker.resolve("inside"), new byte[] { 1 });
        byte[] firstContent = TestFiles.bytes(10_000, 61);
        try {
            given().multiPart("file", first, firstContent).multiPart("file", blocked, TestFiles.bytes(10_000, 62))
                    .multiPart("file", third, TestFiles.bytes(10_000, 63)).post("/files").then().statusCode(500)
                    .body(containsString("stored: " + first + ";"))
                    .body(containsString("not stored: " + blocked + ", " + third));

            assertArrayEquals(firstContent, given().get("/files/" + first).asByteArray());
            assertFalse(Files.exists(store.root().resolve(third)));
            try (Stream<Path> files = Files.list(store.root())) {
                assertEquals(List.of(), files.filter(p -> p.getFileName().toString().startsWith(".~")).toList());
            }
        } finally {
            Files.deleteIfExists(blocker.resolve("inside"));
            Files.deleteIfExists(blocker);
        }
    }
}

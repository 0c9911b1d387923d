package dev.h2fs.files.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.h2fs.files.TestFiles;

/**
 * Another replica on a shared volume replaces a file the way ours do (temp file, rename): this replica's cache,
 * which holds the old mapping, serves the new bytes within the revalidation interval (2 s by default).
 */
@QuarkusTest
class OutsideChangeTest {

    @ConfigProperty(name = "h2fs.files.dir")
    Path storeDir;

    @Test
    void fileReplacedByAnotherWriterIsServedWithinTheRevalidationInterval() throws Exception {
        String name = TestFiles.name("outside");
        byte[] before = TestFiles.bytes(5000, 61);
        TestFiles.upload(name, before).then().statusCode(201);
        assertArrayEquals(before, given().get("/files/" + name).asByteArray()); // now cached

        byte[] after = TestFiles.bytes(5000, 62); // same size: only the inode and mtime tell them apart
        Path temp = Files.write(storeDir.resolve(".~other-replica"), after);
        Files.move(temp, storeDir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

        long start = System.nanoTime();
        byte[] served = given().get("/files/" + name).asByteArray();
        while (!Arrays.equals(served, after) && System.nanoTime() - start < 6_000_000_000L) {
            assertArrayEquals(before, served, "a reader saw neither the old nor the new file");
            Thread.sleep(100);
            served = given().get("/files/" + name).asByteArray();
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertArrayEquals(after, served, "the outside change was not noticed after " + millis + " ms");
        assertTrue(millis < 4_000, "noticed after " + millis + " ms; the revalidation interval is 2 s");
    }
}

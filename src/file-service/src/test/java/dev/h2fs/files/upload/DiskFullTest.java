package dev.h2fs.files.upload;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import dev.h2fs.files.TestFiles;

/**
 * The store on a 2 MiB tmpfs: an upload that does not fit gets 507, the old content stays, the
 * temp file is gone, and readiness is DOWN because free space is under the floor. Mounting needs
 * root, which the CI and development machines of this project have.
 */
@QuarkusTest
@TestProfile(DiskFullTest.TinyStore.class)
class DiskFullTest {

    static final Path MOUNT = Path.of("target/tmpfs-store").toAbsolutePath();

    public static class TinyStore implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            mount();
            return Map.of("h2fs.files.dir", MOUNT.toString(), "h2fs.files.min-free-space", "1M");
        }
    }

    static void mount() {
        try {
            Files.createDirectories(MOUNT);
            if (!Files.readString(Path.of("/proc/mounts")).contains(" " + MOUNT + " ")) {
                run("mount", "-t", "tmpfs", "-o", "size=2m", "h2fs-test", MOUNT.toString());
            }
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("cannot mount a tmpfs for the disk-full test (needs root)", e);
        }
    }

    @AfterAll
    static void unmount() throws Exception {
        run("umount", "-l", MOUNT.toString());
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
    }

    @Test
    void uploadThatDoesNotFitGets507AndKeepsOldContent() throws IOException {
        String name = TestFiles.name("full");
        byte[] old = TestFiles.bytes(100_000, 1);
        TestFiles.upload(name, old).then().statusCode(201);

        TestFiles.upload(name, TestFiles.bytes(3 * 1024 * 1024, 2)).then().statusCode(507)
                .body(containsString("insufficient storage"));

        assertArrayEquals(old, given().get("/files/" + name).asByteArray());
        try (Stream<Path> files = Files.list(MOUNT)) {
            assertEquals(List.of(MOUNT.resolve(name)), files.toList());
        }
    }

    @Test
    void aMultiFileUploadWhoseSecondFileDoesNotFitStoresNothing() throws IOException {
        String first = TestFiles.name("full-first");
        String second = TestFiles.name("full-second");
        byte[] oldFirst = TestFiles.bytes(50_000, 3);
        byte[] oldSecond = TestFiles.bytes(50_000, 4);
        TestFiles.upload(first, oldFirst).then().statusCode(201);
        TestFiles.upload(second, oldSecond).then().statusCode(201);
        try {
            given().multiPart("file", first, TestFiles.bytes(400_000, 5))
                    .multiPart("file", second, TestFiles.bytes(3 * 1024 * 1024, 6)).post("/files").then()
                    .statusCode(507).body(containsString("insufficient storage"));

            assertArrayEquals(oldFirst, given().get("/files/" + first).asByteArray(), "first file replaced");
            assertArrayEquals(oldSecond, given().get("/files/" + second).asByteArray());
            try (Stream<Path> files = Files.list(MOUNT)) {
                assertEquals(List.of(), files.filter(p -> p.getFileName().toString().startsWith(".~")).toList());
            }
        } finally {
            given().delete("/files/" + first);
            given().delete("/files/" + second);
        }
    }

    @Test
    void readinessIsDownWhileFreeSpaceIsBelowTheFloor() throws IOException {
        Path filler = MOUNT.resolve("filler.bin");
        try {
            Files.write(filler, new byte[1536 * 1024]);
            given().get("/q/health/ready").then().statusCode(503)
                    .body("checks.find { it.name == 'file-store' }.status", equalTo("DOWN"));
        } finally {
            Files.deleteIfExists(filler);
        }
        given().get("/q/health/ready").then().statusCode(200);
    }
}

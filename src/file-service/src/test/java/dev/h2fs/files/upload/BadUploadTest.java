package dev.h2fs.files.upload;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import dev.h2fs.files.TestFiles;

/**
 * Every way an upload can go wrong: the client gets a 4xx with a reason, the previous content under
 * the name is untouched, and no temp file is left behind or visible.
 */
@QuarkusTest
@TestProfile(BadUploadTest.SmallLimit.class)
class BadUploadTest {

    /** A small upload limit so that 413 is cheap to provoke. */
    public static class SmallLimit implements QuarkusTestProfile {
        @Override
        public java.util.Map<String, String> getConfigOverrides() {
            return java.util.Map.of("h2fs.files.max-upload-size", "1M", "h2fs.files.dir", "target/test-store-limits");
        }
    }

    @ConfigProperty(name = "h2fs.files.dir")
    Path storeDir;

    @TestHTTPResource("/")
    java.net.URL base;

    @Test
    void multipartWithoutBoundaryGets400() {
        String name = existing();
        given().contentType("multipart/form-data")
                .body("--x\r\n\r\nabc\r\n--x--\r\n".getBytes(StandardCharsets.US_ASCII)).post("/files").then()
                .statusCode(400).body(containsString("boundary"));
        assertIntact(name);
    }

    @Test
    void invalidBoundaryGets400() {
        given().contentType("multipart/form-data; boundary=" + "b".repeat(71)).body(new byte[] { 'x' }).post("/files")
                .then().statusCode(400).body(containsString("boundary"));
        given().contentType("multipart/form-data; boundary=\"bad{char}\"").body(new byte[] { 'x' }).post("/files")
                .then().statusCode(400);
    }

    @Test
    void notMultipartGets415() {
        given().contentType("application/octet-stream").body(new byte[] { 1 }).post("/files").then().statusCode(415);
    }

    @Test
    void truncatedBodyGets400AndLeavesOldContent() {
        String name = existing();
        TestFiles.Multipart body = new TestFiles.Multipart("trunc").file("file", name, TestFiles.bytes(5000, 99));
        given().contentType(body.contentType()).body(body.unclosed()).post("/files").then().statusCode(400)
                .body(containsString("closing boundary"));
        assertIntact(name);
        assertNoTempFiles();
    }

    @Test
    void partWithoutFilenameGets400() {
        String name = existing();
        TestFiles.Multipart body = new TestFiles.Multipart("nofn")
                .part("Content-Disposition: form-data; name=\"file\"", new byte[] { 1, 2 });
        given().contentType(body.contentType()).body(body.close()).post("/files").then().statusCode(400)
                .body(containsString("no filename"));
        assertIntact(name);
    }

    @Test
    void bodyWithoutFilePartGets400() {
        TestFiles.Multipart body = new TestFiles.Multipart("nofile")
                .part("Content-Disposition: form-data; name=\"other\"", new byte[] { 1, 2 });
        given().contentType(body.contentType()).body(body.close()).post("/files").then().statusCode(400);
    }

    @Test
    void secondPartFailingStoresNeitherPart() {
        String first = existing();
        String second = existing();
        TestFiles.Multipart body = new TestFiles.Multipart("two")
                .file("file", first, TestFiles.bytes(100, 1))
                .file("file", "bad/name", TestFiles.bytes(100, 2));
        given().contentType(body.contentType()).body(body.close()).post("/files").then().statusCode(400);
        assertIntact(first);
        assertIntact(second);
        assertNoTempFiles();
    }

    @Test
    void declaredLengthOverTheLimitGets413() {
        String name = existing();
        given().multiPart("file", name, TestFiles.bytes(1_100_000, 3)).post("/files").then().statusCode(413)
                .body(containsString("limit"));
        assertIntact(name);
        assertNoTempFiles();
    }

    @Test
    void chunkedBodyOverTheLimitGets413() throws Exception {
        String name = existing();
        TestFiles.Multipart body = new TestFiles.Multipart("chunky").file("file", name, TestFiles.bytes(1_100_000, 4));
        byte[] bytes = body.close();
        try (Socket socket = socket()) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /files HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: "
                    + body.contentType() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String status = null;
            try {
                for (int off = 0; off < bytes.length; off += 16384) {
                    int n = Math.min(16384, bytes.length - off);
                    out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(bytes, off, n);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException closedOnUs) {
                // the server may answer and close before we finished sending: that is the point
            }
            status = TestFiles.readLine(socket.getInputStream());
            assertTrue(status.contains(" 413 "), status);
        }
        assertIntact(name);
        waitForNoTempFiles();
    }

    @Test
    void clientAbortMidUploadDeletesTheTempFile() throws Exception {
        String name = existing();
        TestFiles.Multipart body = new TestFiles.Multipart("abort").file("file", name, TestFiles.bytes(600_000, 5));
        byte[] bytes = body.close();
        try (Socket socket = socket()) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /files HTTP/1.1\r\nHost: x\r\nContent-Length: " + bytes.length + "\r\nContent-Type: "
                    + body.contentType() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes, 0, bytes.length / 2);
            out.flush();
            // Let the server create the temp file and write into it before we vanish.
            waitUntil(() -> !tempFiles().isEmpty(), 5000);
        }
        waitForNoTempFiles();
        assertIntact(name);
    }

    /** An upload of a fresh name with known content; assertIntact checks it later. */
    private String existing() {
        String name = TestFiles.name("keep");
        TestFiles.upload(name, content(name)).then().statusCode(201);
        return name;
    }

    private static byte[] content(String name) {
        return TestFiles.bytes(2048, name.hashCode());
    }

    private void assertIntact(String name) {
        assertArrayEquals(content(name), given().get("/files/" + name).asByteArray(), name + " changed");
    }

    private List<Path> tempFiles() {
        try (Stream<Path> s = Files.list(storeDir)) {
            return s.filter(p -> p.getFileName().toString().contains("~")).toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private void assertNoTempFiles() {
        assertEquals(List.of(), tempFiles());
        given().get("/files").then().statusCode(200).body("findAll { it.name.contains('~') }.size()",
                org.hamcrest.Matchers.equalTo(0));
    }

    private void waitForNoTempFiles() throws InterruptedException {
        waitUntil(() -> tempFiles().isEmpty(), 10_000);
        assertNoTempFiles();
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition, long millis)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("condition not met within " + millis + " ms");
            }
            Thread.sleep(20);
        }
    }

    private Socket socket() throws IOException {
        Socket socket = new Socket(base.getHost(), base.getPort());
        socket.setSoTimeout(10_000);
        return socket;
    }
}

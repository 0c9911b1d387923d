package dev.h2fs.files.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.lessThan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.h2fs.files.TestFiles;

/** Path traversal and illegal names: always a 4xx, never a 5xx, never a file outside the store. */
@QuarkusTest
class FileNameValidationTest {

    @ConfigProperty(name = "h2fs.files.dir")
    Path storeDir;

    @TestHTTPResource("/")
    java.net.URL base;

    @ParameterizedTest
    @ValueSource(strings = { "a%2Fb", "..%2F..%2Fetc%2Fpasswd", "a%5Cb", "a%00b", "%2Fetc%2Fpasswd",
            "name%20with%20space", "caf%C3%A9", "a:b", "a*b" })
    void illegalNameGets400OnGet(String encoded) {
        given().urlEncodingEnabled(false).get("/files/" + encoded).then().statusCode(400);
        given().urlEncodingEnabled(false).head("/files/" + encoded).then().statusCode(400);
        given().urlEncodingEnabled(false).delete("/files/" + encoded).then().statusCode(400);
    }

    @Test
    void nameLongerThan255Gets400() {
        given().get("/files/" + "a".repeat(256)).then().statusCode(400);
    }

    @Test
    void rawDotDotSegmentNeverEscapesTheStore() throws IOException {
        // Sent as is (no client-side normalisation): the server may normalise or refuse, but must
        // neither fail nor serve a file from outside the store.
        // %2E is an encoded unreserved '.', which RFC 3986 normalisation turns into a dot-segment.
        for (String path : new String[] { "/files/../../../../etc/passwd", "/files/..", "/files/./../pom.xml",
                "/files/%2E%2E", "/files/%2e%2e/%2e%2e/etc/passwd" }) {
            String status = rawRequestStatusLine("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            int code = Integer.parseInt(status.split(" ")[1]);
            assertTrue(code >= 400 && code < 500, path + " -> " + status);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "../escape.txt", "a/b.txt", "..", ".", "c:\\x.txt", "with space.txt", "/abs.txt" })
    void uploadWithIllegalFilenameGets400AndStoresNothing(String filename) throws IOException {
        long before = countEntries();
        given().multiPart("file", filename, new byte[] { 1, 2, 3 }).post("/files").then().statusCode(400);
        assertEquals(before, countEntries());
    }

    @Test
    void symlinkPointingOutsideTheStoreIsNeverFollowed() throws IOException {
        Path outside = Files.createTempFile("h2fs-outside", ".txt");
        Files.writeString(outside, "secret");
        String name = TestFiles.name("link");
        Files.createSymbolicLink(storeDir.resolve(name), outside);
        try {
            given().get("/files/" + name).then().statusCode(404);
            given().get("/files").then().statusCode(200).body("findAll { it.name == '" + name + "' }.size()",
                    equalTo(0));
        } finally {
            Files.deleteIfExists(storeDir.resolve(name));
            Files.deleteIfExists(outside);
        }
    }

    @Test
    void symlinkInsideTheStoreIsServed() throws IOException {
        String target = TestFiles.name("target");
        TestFiles.upload(target, TestFiles.bytes(10, 1)).then().statusCode(201);
        String name = TestFiles.name("inner-link");
        Files.createSymbolicLink(storeDir.resolve(name), Path.of(target));
        try {
            given().get("/files/" + name).then().statusCode(200).header("Content-Length", "10");
        } finally {
            Files.deleteIfExists(storeDir.resolve(name));
        }
    }

    @Test
    void unknownMethodOrPathIsNeverA5xx() {
        given().put("/files/x.txt").then().statusCode(lessThan(500));
        given().get("/nothing-here").then().statusCode(404);
    }

    private long countEntries() throws IOException {
        try (var s = Files.list(storeDir)) {
            return s.count();
        }
    }

    private String rawRequestStatusLine(String request) throws IOException {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return TestFiles.readLine(socket.getInputStream());
        }
    }
}

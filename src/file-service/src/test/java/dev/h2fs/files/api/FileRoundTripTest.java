package dev.h2fs.files.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import dev.h2fs.files.TestFiles;

@QuarkusTest
class FileRoundTripTest {

    @Test
    void uploadedFileIsServedWithItsBytesAndHeaders() {
        String name = TestFiles.name("round").replace(".bin", ".html");
        byte[] content = TestFiles.bytes(10_000, 1);
        TestFiles.upload(name, content).then().statusCode(201)
                .header("Location", "/files/" + name)
                .body("files[0].name", equalTo(name))
                .body("files[0].size", equalTo(content.length))
                .body("files[0].sha256", equalTo(TestFiles.sha256(content)));

        Response get = given().when().get("/files/" + name);
        get.then().statusCode(200)
                .header("Content-Length", String.valueOf(content.length))
                .header("Content-Type", startsWith("text/html"))
                .header("ETag", startsWith("\""))
                .header("Last-Modified", not(equalTo(null)))
                .header("Accept-Ranges", "bytes");
        assertArrayEquals(content, get.asByteArray());
    }

    @Test
    void secondGetIsACacheHitWithTheSameBytes() {
        String name = TestFiles.name("hit");
        byte[] content = TestFiles.bytes(3000, 2);
        TestFiles.upload(name, content).then().statusCode(201);
        assertArrayEquals(content, given().get("/files/" + name).asByteArray());
        assertArrayEquals(content, given().get("/files/" + name).asByteArray());
    }

    @Test
    void reuploadReplacesContent() {
        String name = TestFiles.name("replace");
        TestFiles.upload(name, TestFiles.bytes(5000, 3)).then().statusCode(201);
        assertArrayEquals(TestFiles.bytes(5000, 3), given().get("/files/" + name).asByteArray());
        byte[] second = TestFiles.bytes(7000, 4);
        TestFiles.upload(name, second).then().statusCode(201);
        assertArrayEquals(second, given().get("/files/" + name).asByteArray());
    }

    @Test
    void severalFilePartsAreAllStored() {
        String a = TestFiles.name("multi-a");
        String b = TestFiles.name("multi-b");
        given().multiPart("file", a, TestFiles.bytes(100, 5)).multiPart("file", b, TestFiles.bytes(200, 6))
                .multiPart("comment", "not a file")
                .when().post("/files").then().statusCode(201)
                .body("files.name", equalTo(java.util.List.of(a, b)))
                .body("files.size", equalTo(java.util.List.of(100, 200)));
        assertArrayEquals(TestFiles.bytes(200, 6), given().get("/files/" + b).asByteArray());
    }

    @Test
    void fileAboveTheMappableSizeIsStreamedWholeAndByRange() {
        String name = TestFiles.name("large");
        byte[] content = TestFiles.bytes(17 * 1024 * 1024 + 123, 14); // default max-mapped-file-size is 16M
        TestFiles.upload(name, content).then().statusCode(201);
        Response get = given().get("/files/" + name);
        get.then().statusCode(200).header("Content-Length", String.valueOf(content.length));
        assertEquals(TestFiles.sha256(content), TestFiles.sha256(get.asByteArray()));

        Response range = given().header("Range", "bytes=1000000-1300000").get("/files/" + name);
        range.then().statusCode(206).header("Content-Length", "300001");
        assertArrayEquals(Arrays.copyOfRange(content, 1_000_000, 1_300_001), range.asByteArray());
        given().head("/files/" + name).then().statusCode(200).header("Content-Length", String.valueOf(content.length));
    }

    @Test
    void emptyFileRoundTrips() {
        String name = TestFiles.name("empty");
        TestFiles.upload(name, new byte[0]).then().statusCode(201).body("files[0].size", equalTo(0));
        given().get("/files/" + name).then().statusCode(200).header("Content-Length", "0");
    }

    @Test
    void matchingIfNoneMatchGets304() {
        String name = TestFiles.name("etag");
        TestFiles.upload(name, TestFiles.bytes(1000, 7)).then().statusCode(201);
        String etag = given().get("/files/" + name).header("ETag");
        given().header("If-None-Match", etag).get("/files/" + name).then().statusCode(304).header("ETag", etag);
        given().header("If-None-Match", "\"other\", " + etag).get("/files/" + name).then().statusCode(304);
        given().header("If-None-Match", "\"other\"").get("/files/" + name).then().statusCode(200);
    }

    @Test
    void ifModifiedSinceNotBeforeLastModifiedGets304() {
        String name = TestFiles.name("ims");
        TestFiles.upload(name, TestFiles.bytes(1000, 8)).then().statusCode(201);
        String lastModified = given().get("/files/" + name).header("Last-Modified");
        given().header("If-Modified-Since", lastModified).get("/files/" + name).then().statusCode(304);
        given().header("If-Modified-Since", "Sat, 01 Jan 2000 00:00:00 GMT").get("/files/" + name).then()
                .statusCode(200);
    }

    @Test
    void singleRangeGets206WithThatSlice() {
        String name = TestFiles.name("range");
        byte[] content = TestFiles.bytes(10_000, 9);
        TestFiles.upload(name, content).then().statusCode(201);
        Response r = given().header("Range", "bytes=100-199").get("/files/" + name);
        r.then().statusCode(206).header("Content-Range", "bytes 100-199/10000").header("Content-Length", "100");
        assertArrayEquals(Arrays.copyOfRange(content, 100, 200), r.asByteArray());

        Response suffix = given().header("Range", "bytes=-10").get("/files/" + name);
        suffix.then().statusCode(206).header("Content-Range", "bytes 9990-9999/10000");
        assertArrayEquals(Arrays.copyOfRange(content, 9990, 10_000), suffix.asByteArray());

        Response open = given().header("Range", "bytes=9000-").get("/files/" + name);
        open.then().statusCode(206).header("Content-Range", "bytes 9000-9999/10000");
        assertEquals(1000, open.asByteArray().length);
    }

    @Test
    void unsatisfiableRangeGets416() {
        String name = TestFiles.name("416");
        TestFiles.upload(name, TestFiles.bytes(100, 10)).then().statusCode(201);
        given().header("Range", "bytes=100-200").get("/files/" + name).then().statusCode(416)
                .header("Content-Range", "bytes */100");
    }

    @Test
    void headHasTheHeadersButNoBody() {
        String name = TestFiles.name("head");
        TestFiles.upload(name, TestFiles.bytes(4096, 11)).then().statusCode(201);
        Response head = given().head("/files/" + name);
        head.then().statusCode(200).header("Content-Length", "4096").header("ETag", startsWith("\""));
        assertEquals(0, head.asByteArray().length);
        given().head("/files/" + TestFiles.name("absent")).then().statusCode(404);
    }

    @Test
    void missingFileGets404WithAReason() {
        given().get("/files/" + TestFiles.name("absent")).then().statusCode(404)
                .body(startsWith("no such file"));
    }

    @Test
    void listingShowsUploadedFiles() {
        String name = TestFiles.name("listed");
        TestFiles.upload(name, TestFiles.bytes(321, 12)).then().statusCode(201);
        given().get("/files").then().statusCode(200)
                .body("name", hasItem(name))
                .body("find { it.name == '" + name + "' }.size", equalTo(321))
                .body("find { it.name == '" + name + "' }.lastModified", not(equalTo(null)));
    }

    @Test
    void deleteRemovesTheFileAndThenGets404() {
        String name = TestFiles.name("delete");
        TestFiles.upload(name, TestFiles.bytes(100, 13)).then().statusCode(201);
        given().get("/files/" + name).then().statusCode(200); // now cached
        given().delete("/files/" + name).then().statusCode(204);
        given().get("/files/" + name).then().statusCode(404);
        given().delete("/files/" + name).then().statusCode(404);
    }
}

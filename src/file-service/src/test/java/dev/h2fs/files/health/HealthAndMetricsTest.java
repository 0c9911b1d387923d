package dev.h2fs.files.health;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.h2fs.files.TestFiles;

@QuarkusTest
class HealthAndMetricsTest {

    @Test
    void livenessAndReadinessAreUpWithAWritableStore() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.find { it.name == 'file-store' }.status", equalTo("UP"));
    }

    @Test
    void cacheAndUploadCountersMoveWithTraffic() {
        String before = metrics();
        String name = TestFiles.name("metrics");
        TestFiles.upload(name, TestFiles.bytes(5000, 1)).then().statusCode(201);
        given().get("/files/" + name).then().statusCode(200); // miss
        given().get("/files/" + name).then().statusCode(200); // hit
        given().multiPart("file", "bad/name", new byte[] { 1 }).post("/files").then().statusCode(400);
        String after = metrics();

        assertTrue(value(after, "h2fs_cache_hits_total") >= value(before, "h2fs_cache_hits_total") + 1);
        assertTrue(value(after, "h2fs_cache_misses_total") >= value(before, "h2fs_cache_misses_total") + 1);
        assertTrue(value(after, "h2fs_uploads_total") >= value(before, "h2fs_uploads_total") + 1);
        assertTrue(value(after, "h2fs_upload_bytes_total") >= value(before, "h2fs_upload_bytes_total") + 5000);
        assertTrue(value(after, "h2fs_upload_failures_total{reason=\"bad_name\"}") >= 1);
        assertTrue(value(after, "h2fs_cache_mapped_bytes") >= 5000);
        assertTrue(value(after, "h2fs_cache_entries") >= 1);
        assertTrue(after.contains("h2fs_cache_evictions_total"));
    }

    @Test
    void standardHttpServerMetricsCountFileRequests() {
        String name = TestFiles.name("http-metrics");
        TestFiles.upload(name, TestFiles.bytes(10, 2)).then().statusCode(201);
        given().get("/files/" + name).then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("http_server_requests_seconds_count{"))
                .body(containsString("uri=\"/files/{name}\""))
                // buckets for latency percentiles (FileServiceBeans.httpServerLatencyHistogram)
                .body(containsString("http_server_requests_seconds_bucket{"));
    }

    private static String metrics() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    /** The value of the first sample whose name (with labels, if given) starts the line. */
    private static double value(String metrics, String sample) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(sample) + "(?:\\{[^}]*\\})? ([0-9.eE+-]+)$")
                .matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}

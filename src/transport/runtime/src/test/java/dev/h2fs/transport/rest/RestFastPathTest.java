package dev.h2fs.transport.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** Which requests and which applications the fast path takes: the rules that keep it from bypassing anything. */
class RestFastPathTest {

    @Test
    void takesOnlyPathsTheHttpLayerWouldNotChange() {
        assertTrue(RestFastPath.takesPath("/files/index.html", "/q/", ""));
        assertTrue(RestFastPath.takesPath("/", "/q/", ""));
        assertTrue(RestFastPath.takesPath("/files/a;v=1", "/q/", ""));
        assertFalse(RestFastPath.takesPath("", "/q/", ""));
        assertFalse(RestFastPath.takesPath("*", "/q/", ""));
        assertFalse(RestFastPath.takesPath("files", "/q/", ""));
        assertFalse(RestFastPath.takesPath("/files/a%2Fb", "/q/", ""), "percent-encoding: Vert.x decodes some");
        assertFalse(RestFastPath.takesPath("/files/../etc/passwd", "/q/", ""), "dot segments");
        assertFalse(RestFastPath.takesPath("/files/./a", "/q/", ""));
        assertFalse(RestFastPath.takesPath("/files/.hidden", "/q/", ""));
        assertFalse(RestFastPath.takesPath("/files//a", "/q/", ""), "empty segments");
        assertFalse(RestFastPath.takesPath("/files\\a", "/q/", ""));
    }

    @Test
    void leavesTheNonApplicationRootToVertx() {
        assertFalse(RestFastPath.takesPath("/q/health", "/q/", ""));
        assertFalse(RestFastPath.takesPath("/q/", "/q/", ""));
        assertFalse(RestFastPath.takesPath("/q", "/q/", ""));
        assertTrue(RestFastPath.takesPath("/qq", "/q/", ""));
        assertTrue(RestFastPath.takesPath("/quarkus", "/q/", ""));
        assertFalse(RestFastPath.takesPath("/management/metrics", "/management/", ""));
    }

    @Test
    void leavesPathsOutsideTheRestPrefixToVertx() {
        assertTrue(RestFastPath.takesPath("/api/files/a", "/q/", "/api"));
        assertTrue(RestFastPath.takesPath("/api", "/q/", "/api"));
        assertFalse(RestFastPath.takesPath("/files/a", "/q/", "/api"), "RESTEasy would match it as /api/files/a");
        assertFalse(RestFastPath.takesPath("/apifiles/a", "/q/", "/api"));
    }

    @Test
    void takesGetHeadAndDeleteOnly() {
        assertEquals("GET", RestFastPath.method("GET"));
        assertEquals("HEAD", RestFastPath.method("HEAD"));
        assertEquals("DELETE", RestFastPath.method("DELETE"));
        assertEquals(null, RestFastPath.method("POST"));
        assertEquals(null, RestFastPath.method("get"));
        assertEquals(null, RestFastPath.method("OPTIONS"));
        assertEquals(null, RestFastPath.method(null));
    }

    @Test
    void configurationTheFastPathWouldBypassRulesItOut() {
        Map<String, String> config = Map.of(
                "quarkus.http.enable-compression", "true",
                "quarkus.http.enable-decompression", "true",
                "quarkus.http.same-site-cookie.session.value", "Lax",
                "quarkus.otel.metrics.enabled", "true",
                "quarkus.otel.traces.eusp.enabled", "true");
        List<String> reasons = RestFastPath.reasons(name -> Optional.ofNullable(config.get(name)), config.keySet());
        assertEquals(5, reasons.size(), reasons.toString());
        assertTrue(reasons.stream().anyMatch(r -> r.startsWith("OpenTelemetry metrics")));
    }

    /** What Quarkus's HTTP layer applies in front of RESTEasy, the fast path applies too, by Quarkus's own code. */
    @Test
    void accessLogForwardedHeadersAndStaticHeadersKeepTheFastPath() {
        Map<String, String> config = Map.of(
                "quarkus.http.access-log.enabled", "true",
                "quarkus.http.access-log.log-to-file", "true",
                "quarkus.http.proxy.proxy-address-forwarding", "true",
                "quarkus.http.record-request-start-time", "true",
                "quarkus.http.header.\"X-Frame-Options\".value", "deny",
                "quarkus.http.filter.static.header.\"Cache-Control\"", "max-age=1");
        assertEquals(List.of(), RestFastPath.reasons(name -> Optional.ofNullable(config.get(name)), config.keySet()));
    }

    /** CORS and HTTP permissions are Quarkus route filters, which the fast path runs itself. */
    @Test
    void corsAndHttpPermissionsKeepTheFastPath() {
        Map<String, String> config = Map.of(
                "quarkus.http.cors.enabled", "true",
                "quarkus.http.cors.origins", "https://example.org",
                "quarkus.http.auth.permission.all.paths", "/*",
                "quarkus.http.auth.permission.all.policy", "authenticated",
                "quarkus.http.auth.policy.writers.roles-allowed", "writer");
        assertEquals(List.of(), RestFastPath.reasons(name -> Optional.ofNullable(config.get(name)), config.keySet()));
    }

    @Test
    void aPlainApplicationHasNoReason() {
        Map<String, String> config = Map.of(
                "quarkus.http.cors.enabled", "false",
                "quarkus.http.access-log.enabled", "false",
                "quarkus.http.port", "8080",
                "h2fs.transport.port", "0");
        assertEquals(List.of(), RestFastPath.reasons(name -> Optional.ofNullable(config.get(name)), config.keySet()));
    }
}

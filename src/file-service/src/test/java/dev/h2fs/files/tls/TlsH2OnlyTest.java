package dev.h2fs.files.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.net.URL;
import java.util.HashMap;
import java.util.Map;

import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@code h2fs.transport.tls.h2-only}: clients that do not negotiate h2 are closed, as the reference server did. */
@QuarkusTest
@TestProfile(TlsH2OnlyTest.H2Only.class)
class TlsH2OnlyTest {

    /** {@link TlsTest.Tls} plus h2-only. */
    public static class H2Only extends TlsTest.Tls {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>(super.getConfigOverrides());
            config.put("h2fs.transport.tls.h2-only", "true");
            return config;
        }
    }

    @TestHTTPResource(value = "/", tls = true)
    URL base;

    @Test
    void http11ClientIsRefused() throws Exception {
        String status;
        try (SSLSocket socket = TestTls.connect(base, "http/1.1")) {
            status = TestTls.http11StatusLine(socket, "/q/health/live");
        } catch (IOException refusedDuringHandshake) {
            status = null;
        }
        assertNull(status, "an http/1.1-only client must not be served");
    }

    @Test
    void clientWithoutAlpnIsRefused() throws Exception {
        String status;
        try (SSLSocket socket = TestTls.connect(base)) {
            status = TestTls.http11StatusLine(socket, "/q/health/live");
        } catch (IOException refusedDuringHandshake) {
            status = null;
        }
        assertNull(status);
    }

    @Test
    void h2ClientIsServed() throws Exception {
        try (SSLSocket socket = TestTls.connect(base, "h2", "http/1.1")) {
            assertEquals("h2", socket.getApplicationProtocol());
        }
    }
}

package dev.h2fs.files.packaged;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A misconfigured service must refuse to start with a sentence that names what is wrong. */
class StartupErrorIT {

    @TempDir
    Path store;

    @Test
    void missingTlsKeyFileFailsStartupNamingTheFile() throws Exception {
        Path absent = store.resolve("absent-key.pem");
        try (ServiceProcess service = ServiceProcess.start(Map.of("FILES_DIR", store.toString(), "RUN_MODE", "h2",
                "TLS_KEY", absent.toString(), "TLS_CERT",
                Path.of("src/test/resources/tls/cert.pem").toAbsolutePath().toString()))) {
            assertNotEquals(0, service.awaitExit(60));
            assertTrue(service.output().contains(absent.toString()), service.output());
            assertTrue(service.output().contains("TLS_KEY"), service.output());
        }
    }

    @Test
    void tlsWithoutAnyKeyConfiguredFailsStartupNamingTheSetting() throws Exception {
        try (ServiceProcess service = ServiceProcess.start(Map.of("FILES_DIR", store.toString(), "RUN_MODE", "h2"))) {
            assertNotEquals(0, service.awaitExit(60));
            assertTrue(service.output().contains("h2fs.transport.tls.key-file"), service.output());
        }
    }

    @Test
    void tlsWithACorruptKeyFailsStartup() throws Exception {
        Path cert = Path.of("src/test/resources/tls/cert.pem").toAbsolutePath();
        // The certificate where the key should be: readable, but not a key.
        try (ServiceProcess service = ServiceProcess.start(Map.of("FILES_DIR", store.toString(), "RUN_MODE", "h2",
                "TLS_KEY", cert.toString(), "TLS_CERT", cert.toString()))) {
            assertNotEquals(0, service.awaitExit(60));
            assertTrue(service.output().contains("cannot set up TLS"), service.output());
        }
    }
}

package dev.h2fs.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import io.netty.handler.ssl.OpenSsl;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.OpenSSLEngineOptions;

class TlsOptionsTest {

    @TempDir
    Path dir;

    @Test
    void missingSettingNamesTheKeyAndTheContainerVariable() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> TlsOptions.readable(Optional.empty(), "h2fs.transport.tls.key-file", "TLS_KEY"));
        assertTrue(e.getMessage().contains("h2fs.transport.tls.key-file"), e.getMessage());
        assertTrue(e.getMessage().contains("TLS_KEY"), e.getMessage());
    }

    @Test
    void missingFileIsNamedInTheError() {
        Path absent = dir.resolve("nope.pem");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> TlsOptions.readable(Optional.of(absent), "h2fs.transport.tls.cert-file", "TLS_CERT"));
        assertTrue(e.getMessage().contains(absent.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void directoryIsNotAFile() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> TlsOptions.readable(Optional.of(dir), "h2fs.transport.tls.key-file", "TLS_KEY"));
        assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
    }

    @Test
    void readableFileIsAcceptedAsAnAbsolutePath() throws IOException {
        Path key = Files.writeString(dir.resolve("key.pem"), "x");
        assertEquals(key.toAbsolutePath(),
                TlsOptions.readable(Optional.of(key), "h2fs.transport.tls.key-file", "TLS_KEY"));
    }

    @Test
    void jdkEngineWhenAskedFor() {
        assertInstanceOf(JdkSSLEngineOptions.class, TlsOptions.engine(TransportConfig.TlsEngine.JDK));
    }

    /** The transport ships BoringSSL for linux-x86_64: there it must load, and auto must take it. */
    @Test
    @EnabledOnOs(value = OS.LINUX, architectures = { "amd64", "x86_64" })
    void autoTakesOpenSslWhereItShipsForThePlatform() {
        assertTrue(OpenSsl.isAvailable(), () -> "netty-tcnative does not load: " + OpenSsl.unavailabilityCause());
        assertInstanceOf(OpenSSLEngineOptions.class, TlsOptions.engine(TransportConfig.TlsEngine.AUTO));
        assertInstanceOf(OpenSSLEngineOptions.class, TlsOptions.engine(TransportConfig.TlsEngine.OPENSSL));
    }
}

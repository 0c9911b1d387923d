package dev.h2fs.transport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.netty.handler.ssl.OpenSsl;
import io.quarkus.runtime.ImageMode;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.SSLEngineOptions;

/**
 * Turns {@code h2fs.transport.tls.*} into Vert.x TLS options, after checking that the key and certificate files are
 * there and readable, so that a wrong path fails start-up with a sentence naming the file and the setting rather
 * than with a stack trace from deep inside the TLS stack.
 * <p>
 * Thread: any (pure functions).
 */
public final class TlsOptions {

    /** TLS 1.2 for the clients that still need it, 1.3 for the rest; nothing older (RFC 8996). */
    static final Set<String> PROTOCOLS = Set.of("TLSv1.2", "TLSv1.3");

    private TlsOptions() {
    }

    /** Adds TLS with ALPN to {@code options}; a no-op in run mode {@code h2c}. */
    public static HttpServerOptions apply(TransportConfig config, HttpServerOptions options) {
        if (config.runMode() != RunMode.H2) {
            return options;
        }
        TransportConfig.Tls tls = config.tls();
        Path key = readable(tls.keyFile(), "h2fs.transport.tls.key-file", "TLS_KEY");
        Path cert = readable(tls.certFile(), "h2fs.transport.tls.cert-file", "TLS_CERT");
        return options.setSsl(true)
                .setSslEngineOptions(engine(tls.engine()))
                .setUseAlpn(true)
                .setAlpnVersions(tls.h2Only()
                        ? List.of(HttpVersion.HTTP_2)
                        : List.of(HttpVersion.HTTP_2,
                                HttpVersion.HTTP_1_1))
                .setKeyCertOptions(new PemKeyCertOptions().setKeyPath(key.toString()).setCertPath(cert.toString()))
                .setEnabledSecureTransportProtocols(PROTOCOLS)
                .setSslHandshakeTimeout(tls.handshakeTimeout().toMillis())
                .setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS);
    }

    /**
     * @return the engine options for {@code wanted}: OpenSSL if asked for (and available), or if {@code auto} and it
     *         loads outside a native executable; the JDK engine otherwise
     * @throws IllegalStateException if {@code openssl} is asked for and its library does not load, with the reason
     */
    static SSLEngineOptions engine(TransportConfig.TlsEngine wanted) {
        // Asking whether OpenSSL is available loads netty-tcnative's library: only when it may be used.
        switch (wanted) {
            case OPENSSL :
                if (!OpenSSLEngineOptions.isAvailable()) {
                    throw new IllegalStateException("h2fs.transport.tls.engine=openssl, but OpenSSL (netty-tcnative)"
                            + " does not load here: " + OpenSsl.unavailabilityCause());
                }
                return new OpenSSLEngineOptions();
            case AUTO :
                return !ImageMode.current().isNativeImage() && OpenSSLEngineOptions.isAvailable()
                        ? new OpenSSLEngineOptions()
                        : new JdkSSLEngineOptions();
            default :
                return new JdkSSLEngineOptions();
        }
    }

    /** @return the engine's name for the start-up line: {@code OpenSSL (BoringSSL)} or {@code JDK} */
    public static String describe(HttpServerOptions options) {
        return options.getSslEngineOptions() instanceof OpenSSLEngineOptions
                ? "OpenSSL (" + OpenSsl.versionString()
                        + ")"
                : "JDK";
    }

    /**
     * @return the file, if configured, a regular file and readable
     * @throws IllegalStateException naming the setting, its container variable and the path otherwise
     */
    static Path readable(Optional<Path> file, String key, String variable) {
        if (file.isEmpty()) {
            throw new IllegalStateException("h2fs.transport.run-mode=h2 (RUN_MODE=h2) needs " + key + " (" + variable
                    + "): no file is configured");
        }
        Path path = file.get().toAbsolutePath();
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException(key + " (" + variable + "): " + path + " does not exist or is not a file");
        }
        try {
            Files.newInputStream(path).close();
        } catch (IOException e) {
            throw new IllegalStateException(
                    key + " (" + variable + "): " + path + " cannot be read: " + e.getMessage());
        }
        return path;
    }
}

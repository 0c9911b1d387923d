package dev.h2fs.transport;

/**
 * What the port speaks, as the reference server's {@code RUN_MODE} named it. Immutable; any thread.
 */
public enum RunMode {

    /** Cleartext: HTTP/2 with prior knowledge, the HTTP/1.1 Upgrade to h2c, and plain HTTP/1.1. */
    H2C,

    /**
     * TLS with ALPN offering {@code h2} and {@code http/1.1} (only {@code h2} with
     * {@code h2fs.transport.tls.h2-only}); needs {@code h2fs.transport.tls.key-file} and {@code cert-file}.
     */
    H2
}

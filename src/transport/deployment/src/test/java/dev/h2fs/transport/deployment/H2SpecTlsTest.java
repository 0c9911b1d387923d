package dev.h2fs.transport.deployment;

import java.nio.file.Path;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;

import dev.h2fs.transport.quarkus.TransportLifecycle;

/** h2spec 2.2.0 in strict mode against the transport over TLS ({@code run-mode=h2}, ALPN {@code h2}): every case passes. */
class H2SpecTlsTest {

    private static final Path KEY = Path.of("src/test/resources/tls/key.pem").toAbsolutePath();
    private static final Path CERT = Path.of("src/test/resources/tls/cert.pem").toAbsolutePath();

    @RegisterExtension
    static final QuarkusUnitTest TEST = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(RootResource.class, H2SpecRun.class))
            .overrideConfigKey("h2fs.transport.port", "0")
            .overrideConfigKey("h2fs.transport.threads", "2")
            .overrideConfigKey("h2fs.transport.run-mode", "h2")
            .overrideConfigKey("h2fs.transport.tls.key-file", KEY.toString())
            .overrideConfigKey("h2fs.transport.tls.cert-file", CERT.toString());

    @Inject
    TransportLifecycle lifecycle;

    @Test
    void h2specStrictPassesEveryCaseOverTls() throws Exception {
        H2SpecRun.assertAllPass("tls", lifecycle.server().boundAddress().getPort(), true);
    }
}

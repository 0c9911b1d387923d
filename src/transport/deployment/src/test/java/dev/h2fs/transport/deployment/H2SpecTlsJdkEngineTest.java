package dev.h2fs.transport.deployment;

import java.nio.file.Path;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;

import dev.h2fs.transport.quarkus.TransportLifecycle;

/**
 * h2spec 2.2.0 in strict mode over TLS with the JDK engine ({@code h2fs.transport.tls.engine=jdk}, what {@code auto}
 * picks where OpenSSL does not load and in the native executable): every case passes. {@link H2SpecTlsTest} runs the
 * default, OpenSSL here.
 */
class H2SpecTlsJdkEngineTest {

    private static final Path KEY = Path.of("src/test/resources/tls/key.pem").toAbsolutePath();
    private static final Path CERT = Path.of("src/test/resources/tls/cert.pem").toAbsolutePath();

    @RegisterExtension
    static final QuarkusUnitTest TEST = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(RootResource.class, H2SpecRun.class))
            .overrideConfigKey("h2fs.transport.port", "0")
            .overrideConfigKey("h2fs.transport.threads", "2")
            .overrideConfigKey("h2fs.transport.run-mode", "h2")
            .overrideConfigKey("h2fs.transport.tls.key-file", KEY.toString())
            .overrideConfigKey("h2fs.transport.tls.cert-file", CERT.toString())
            .overrideConfigKey("h2fs.transport.tls.engine", "jdk");

    @Inject
    TransportLifecycle lifecycle;

    @Test
    void h2specStrictPassesEveryCaseOverTlsWithTheJdkEngine() throws Exception {
        H2SpecRun.assertAllPass("tls-jdk", lifecycle.server().boundAddress().getPort(), true);
    }
}

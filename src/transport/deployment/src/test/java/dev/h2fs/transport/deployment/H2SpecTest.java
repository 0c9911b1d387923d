package dev.h2fs.transport.deployment;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;

import dev.h2fs.transport.quarkus.TransportLifecycle;

/**
 * h2spec 2.2.0 in strict mode against the transport in h2c (prior knowledge): every case passes. The cases Netty's
 * HTTP/2 decoder alone would fail (RFC 9113 section 5.1/5.1.1: HEADERS on a closed or half-closed stream, a stream id
 * below the last one) are answered by {@code dev.h2fs.transport.http2.InboundFrameInspector}.
 */
class H2SpecTest {

    @RegisterExtension
    static final QuarkusUnitTest TEST = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(RootResource.class, H2SpecRun.class))
            .overrideConfigKey("h2fs.transport.port", "0")
            .overrideConfigKey("h2fs.transport.threads", "2");

    @Inject
    TransportLifecycle lifecycle;

    @Test
    void h2specStrictPassesEveryCaseInH2c() throws Exception {
        H2SpecRun.assertAllPass("h2c", lifecycle.server().boundAddress().getPort(), false);
    }
}

package dev.h2fs.files.attack;

import java.net.Socket;
import java.net.URL;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.h2fs.files.tls.TestTls;
import dev.h2fs.files.tls.TlsTest;

/**
 * Rapid reset over TLS (ALPN {@code h2}): the GOAWAY(ENHANCE_YOUR_CALM) must reach the client through the TLS layer
 * on every try, followed by the server's close_notify and its FIN, never by a reset, which can make the client's TLS
 * socket give up before it has read the GOAWAY.
 */
@QuarkusTest
@TestProfile(TlsTest.Tls.class)
class RapidResetTlsTest {

    @TestHTTPResource(value = "/", tls = true)
    URL base;

    @Test
    void rapidResetGoAwayIsReadBeforeTheCloseOnEveryTryOverTls() throws Exception {
        RapidResetTries.assertGoAwayReadOnEveryTry(RapidResetTest.TRIES,
                () -> {
                    Socket tcp = new Socket(base.getHost(), base.getPort());
                    return new RawH2(TestTls.connectOver(tcp, base, "h2"), tcp);
                });
    }
}

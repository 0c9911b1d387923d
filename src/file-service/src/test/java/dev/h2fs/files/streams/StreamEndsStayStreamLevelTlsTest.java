package dev.h2fs.files.streams;

import java.net.URL;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.PemTrustOptions;

import dev.h2fs.files.tls.TestTls;
import dev.h2fs.files.tls.TlsTest;

/** {@link StreamEndsStayStreamLevel} over TLS, ALPN {@code h2}. */
@QuarkusTest
@TestProfile(TlsTest.Tls.class)
class StreamEndsStayStreamLevelTlsTest extends StreamEndsStayStreamLevel {

    @TestHTTPResource(value = "/", tls = true)
    URL base;

    @BeforeEach
    void restAssuredOverTls() {
        RestAssured.baseURI = "https://localhost";
        RestAssured.port = base.getPort();
        RestAssured.useRelaxedHTTPSValidation();
    }

    @AfterEach
    void resetRestAssured() {
        RestAssured.reset();
    }

    @Override
    URL base() {
        return base;
    }

    @Override
    HttpClientOptions http2Options() {
        return new HttpClientOptions().setSsl(true).setUseAlpn(true).setProtocolVersion(HttpVersion.HTTP_2)
                .setTrustOptions(new PemTrustOptions().addCertPath(TestTls.CERT.toString())).setVerifyHost(false);
    }
}

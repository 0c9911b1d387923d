package dev.h2fs.files.streams;

import java.net.URL;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;

/** {@link StreamEndsStayStreamLevel} over h2c with prior knowledge. */
@QuarkusTest
class StreamEndsStayStreamLevelH2cTest extends StreamEndsStayStreamLevel {

    @TestHTTPResource("/")
    URL base;

    @Override
    URL base() {
        return base;
    }

    @Override
    HttpClientOptions http2Options() {
        return new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false);
    }
}

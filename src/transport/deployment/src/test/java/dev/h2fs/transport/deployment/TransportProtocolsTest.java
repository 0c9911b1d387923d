package dev.h2fs.transport.deployment;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;
import io.quarkus.test.common.http.TestHTTPResource;
import io.vertx.core.http.HttpVersion;

import dev.h2fs.transport.quarkus.TransportLifecycle;

/**
 * HTTP/1.1, h2c with prior knowledge and h2c upgrade, all on the transport's one port, served by Quarkus REST on the
 * worker that owns the connection (non-blocking) or on Quarkus's worker pool (blocking).
 */
class TransportProtocolsTest {

    @RegisterExtension
    static final QuarkusUnitTest TEST = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(ThreadResource.class, RootResource.class, H2cClient.class))
            .overrideConfigKey("h2fs.transport.port", "0")
            .overrideConfigKey("h2fs.transport.threads", "2")
            .overrideConfigKey("h2fs.transport.max-body-size", "1K");

    @Inject
    TransportLifecycle lifecycle;

    @TestHTTPResource("/")
    URL root;

    private int port() {
        return lifecycle.server().boundAddress().getPort();
    }

    @Test
    void restAssuredFindsTheTransportPortAndHttp11RunsOnAWorker() {
        given().get("/thread/non-blocking").then().statusCode(200).body(startsWith("h2fs-worker-"));
    }

    @Test
    void actualPortIsPublishedWhereQuarkusTestsLook() {
        assertEquals(port(), ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class));
        assertEquals(port(), ConfigProvider.getConfig().getValue("quarkus.http.port", Integer.class));
        assertEquals(port(), root.getPort(), "@TestHTTPResource");
    }

    @Test
    void blockingMethodRunsOffTheWorker() {
        String thread = given().get("/thread/blocking").then().statusCode(200).extract().asString();
        assertFalse(thread.startsWith("h2fs-worker-"), thread);
        assertTrue(thread.startsWith("executor-thread"), thread);
    }

    @Test
    void h2cPriorKnowledgeRunsOnAWorker() throws Exception {
        try (H2cClient client = H2cClient.priorKnowledge(port())) {
            H2cClient.Answer answer = client.get("/thread/non-blocking");
            assertEquals(200, answer.status());
            assertEquals(HttpVersion.HTTP_2, answer.version());
            assertTrue(answer.body().startsWith("h2fs-worker-"), answer.body());
            H2cClient.Answer blocking = client.get("/thread/blocking");
            assertEquals(HttpVersion.HTTP_2, blocking.version());
            assertTrue(blocking.body().startsWith("executor-thread"), blocking.body());
        }
    }

    @Test
    void h2cUpgradeFromHttp11() throws Exception {
        try (H2cClient client = H2cClient.upgrade(port())) {
            H2cClient.Answer answer = client.get("/thread/non-blocking");
            assertEquals(200, answer.status());
            assertEquals(HttpVersion.HTTP_2, answer.version());
        }
    }

    @Test
    void plainHttp11Client() throws Exception {
        try (H2cClient client = H2cClient.http1(port())) {
            H2cClient.Answer answer = client.get("/thread/non-blocking");
            assertEquals(HttpVersion.HTTP_1_1, answer.version());
            assertTrue(answer.body().startsWith("h2fs-worker-"), answer.body());
        }
    }

    @Test
    void bodyAboveTheLimitIsRefusedBeforeRouting() {
        given().body(new byte[100]).post("/").then().statusCode(200);
        given().body(new byte[2048]).post("/").then().statusCode(413);
    }

    @Test
    void quarkusOwnListenerIsNotOpen() {
        // quarkus.http.test-port's default; the extension turns Quarkus's listener off.
        assertThrows(IOException.class, () -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("localhost", 8081), 500);
            }
        });
    }
}

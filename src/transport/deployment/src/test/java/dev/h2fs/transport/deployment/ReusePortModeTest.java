package dev.h2fs.transport.deployment;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;
import io.vertx.core.http.HttpVersion;

import dev.h2fs.transport.TransportMode;
import dev.h2fs.transport.TransportServer;
import dev.h2fs.transport.loop.NettyTransport;
import dev.h2fs.transport.quarkus.TransportLifecycle;

/**
 * {@code mode=reuseport}: one {@code SO_REUSEPORT} listener per worker on native epoll; HTTP/1.1 and h2c are served on
 * the worker loops. The configuration is written the way the file service writes it, with environment fallbacks
 * ({@code ${THREADS:0}} style).
 */
class ReusePortModeTest {

    @RegisterExtension
    static final QuarkusUnitTest TEST = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(ThreadResource.class, H2cClient.class))
            .overrideConfigKey("h2fs.transport.port", "${H2FS_TEST_UNSET_PORT:0}")
            .overrideConfigKey("h2fs.transport.threads", "${H2FS_TEST_UNSET_THREADS:3}")
            .overrideConfigKey("h2fs.transport.mode", "reuseport");

    @Inject
    TransportLifecycle lifecycle;

    @Test
    void servesOnEveryWorkerOwnListener() throws Exception {
        TransportServer server = lifecycle.server();
        assertEquals(NettyTransport.EPOLL, server.transport());
        assertEquals(TransportMode.REUSEPORT, server.mode());
        assertEquals(3, server.workers().size());
        assertNull(server.acceptor());
        given().get("/thread/non-blocking").then().statusCode(200).body(startsWith("h2fs-worker-"));
        try (H2cClient client = H2cClient.priorKnowledge(server.boundAddress().getPort())) {
            H2cClient.Answer answer = client.get("/thread/non-blocking");
            assertEquals(HttpVersion.HTTP_2, answer.version());
            assertTrue(answer.body().startsWith("h2fs-worker-"), answer.body());
        }
    }
}

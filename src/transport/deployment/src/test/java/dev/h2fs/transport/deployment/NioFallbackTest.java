package dev.h2fs.transport.deployment;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * Without native epoll (forced here by {@code native-transport=false}, as on macOS) the transport runs on NIO, says
 * so once in the log, and turns a {@code reuseport} request into {@code acceptor} mode.
 */
class NioFallbackTest {

    @RegisterExtension
    static final QuarkusUnitTest TEST = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(ThreadResource.class, H2cClient.class))
            .overrideConfigKey("h2fs.transport.port", "0")
            .overrideConfigKey("h2fs.transport.threads", "2")
            .overrideConfigKey("h2fs.transport.native-transport", "false")
            .overrideConfigKey("h2fs.transport.mode", "reuseport")
            .setLogRecordPredicate(record -> record.getLoggerName().startsWith("dev.h2fs"))
            .assertLogRecords(records -> assertTrue(records.stream()
                    .anyMatch(r -> r.getMessage().contains("native epoll") && r.getMessage().contains("using NIO")),
                    "one clear log line about the NIO fallback"));

    @Inject
    TransportLifecycle lifecycle;

    @Test
    void servesOverNio() throws Exception {
        TransportServer server = lifecycle.server();
        assertEquals(NettyTransport.NIO, server.transport());
        assertEquals(TransportMode.ACCEPTOR, server.mode());
        given().get("/thread/non-blocking").then().statusCode(200).body(startsWith("h2fs-worker-"));
        try (H2cClient client = H2cClient.priorKnowledge(server.boundAddress().getPort())) {
            H2cClient.Answer answer = client.get("/thread/non-blocking");
            assertEquals(HttpVersion.HTTP_2, answer.version());
            assertTrue(answer.body().startsWith("h2fs-worker-"), answer.body());
        }
    }
}

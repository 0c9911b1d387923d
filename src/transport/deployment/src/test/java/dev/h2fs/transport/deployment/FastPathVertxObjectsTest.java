package dev.h2fs.transport.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.logging.Level;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;
import io.vertx.ext.web.RoutingContext;

import dev.h2fs.transport.TransportServer;
import dev.h2fs.transport.quarkus.TransportLifecycle;

/**
 * A GET method that takes Vert.x's {@code RoutingContext} keeps the fast path off (it would get null there): the
 * start-up log names the method, and the method is served, with its routing context, over h2c.
 */
class FastPathVertxObjectsTest {

    @Path("/routing")
    public static class RoutingContextResource {
        @GET
        public String path(RoutingContext routing) {
            return "normalised " + routing.normalizedPath();
        }
    }

    @RegisterExtension
    static final QuarkusUnitTest TEST = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(RoutingContextResource.class, H2cClient.class))
            .overrideConfigKey("h2fs.transport.port", "0")
            .overrideConfigKey("h2fs.transport.threads", "1")
            .setLogRecordPredicate(record -> record.getLevel().intValue() >= Level.INFO.intValue()
                    && record.getMessage() != null && record.getMessage().contains("REST fast path"))
            .assertLogRecords(records -> assertTrue(records.stream()
                    .map(r -> String.format(r.getMessage(), r.getParameters()))
                    .anyMatch(message -> message.contains("fast path off")
                            && message.contains("RoutingContextResource#path")),
                    "start-up names the method that takes Vert.x's objects"));

    @Inject
    TransportLifecycle lifecycle;

    @Test
    void aMethodTakingTheRoutingContextIsServedThroughVertx() throws Exception {
        TransportServer server = lifecycle.server();
        try (H2cClient h2 = H2cClient.priorKnowledge(server.boundAddress().getPort())) {
            H2cClient.Answer answer = h2.get("/routing");
            assertEquals(200, answer.status());
            assertEquals("normalised /routing", answer.body());
        }
        assertEquals(0, server.fastPathServed(0));
    }
}

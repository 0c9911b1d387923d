package dev.h2fs.transport.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.logging.Level;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;

import dev.h2fs.transport.TransportLifecycle;
import dev.h2fs.transport.TransportServer;

/**
 * Safe by construction: an application with static response headers ({@code quarkus.http.header.*}) must not lose
 * them to the fast path, which does not add them. The transport keeps the fast path off, says why at start-up, and
 * every request (h2c included) gets Vert.x's path, headers and all.
 */
class FastPathRuledOutTest {

    @RegisterExtension
    static final QuarkusUnitTest TEST = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(ThreadResource.class, H2cClient.class))
            .overrideConfigKey("h2fs.transport.port", "0")
            .overrideConfigKey("h2fs.transport.threads", "1")
            .overrideConfigKey("quarkus.http.header.\"X-Frame-Options\".value", "deny")
            .setLogRecordPredicate(record -> record.getLevel().intValue() >= Level.INFO.intValue()
                    && record.getMessage() != null && record.getMessage().contains("REST fast path"))
            .assertLogRecords(records -> assertTrue(records.stream()
                    .map(r -> String.format(r.getMessage(), r.getParameters()))
                    .anyMatch(message -> message.contains("fast path off") && message.contains("quarkus.http.header")),
                    "start-up says the fast path is off because of the static headers"));

    @Inject
    TransportLifecycle lifecycle;

    @Test
    void staticHeadersKeepTheFastPathOffAndStillApply() throws Exception {
        TransportServer server = lifecycle.server();
        int port = server.boundAddress().getPort();
        try (H2cClient h2 = H2cClient.priorKnowledge(port)) {
            H2cClient.Answer answer = h2.get("/thread/non-blocking");
            assertEquals(200, answer.status());
            assertEquals("deny", answer.header("x-frame-options"));
        }
        long served = 0;
        for (int id = 0; id < server.workers().size(); id++) {
            served += server.fastPathServed(id);
        }
        assertEquals(0, served);
    }
}

package dev.h2fs.transport.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.logging.Level;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;

import dev.h2fs.transport.TransportServer;
import dev.h2fs.transport.quarkus.TransportLifecycle;

/**
 * Safe by construction: an application whose cookies Quarkus rewrites ({@code quarkus.http.same-site-cookie.*}) must
 * not lose that to the fast path, which does not do it. The transport keeps the fast path off, says why at start-up,
 * and every request (h2c included) gets Vert.x's path.
 */
class FastPathRuledOutTest {

    @RegisterExtension
    static final QuarkusUnitTest TEST = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(ThreadResource.class, H2cClient.class))
            .overrideConfigKey("h2fs.transport.port", "0")
            .overrideConfigKey("h2fs.transport.threads", "1")
            .overrideConfigKey("quarkus.http.same-site-cookie.session.value", "Strict")
            .setLogRecordPredicate(record -> record.getLevel().intValue() >= Level.INFO.intValue()
                    && record.getMessage() != null && record.getMessage().contains("REST fast path"))
            .assertLogRecords(records -> assertTrue(records.stream()
                    .map(r -> String.format(r.getMessage(), r.getParameters()))
                    .anyMatch(message -> message.contains("fast path off")
                            && message.contains("quarkus.http.same-site-cookie")),
                    "start-up says the fast path is off because of the cookie rules"));

    @Inject
    TransportLifecycle lifecycle;

    @Test
    void sameSiteCookieRulesKeepTheFastPathOff() throws Exception {
        TransportServer server = lifecycle.server();
        int port = server.boundAddress().getPort();
        try (H2cClient h2 = H2cClient.priorKnowledge(port)) {
            H2cClient.Answer answer = h2.get("/thread/non-blocking");
            assertEquals(200, answer.status());
        }
        long served = 0;
        for (int id = 0; id < server.workers().size(); id++) {
            served += server.fastPathServed(id);
        }
        assertEquals(0, served);
    }
}

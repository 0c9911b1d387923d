package dev.h2fs.transport.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusDevModeTest;

/**
 * A compile error during dev mode: Quarkus's error page is served through the transport, over HTTP/1.1 and h2c, and
 * the next fix reloads and answers.
 */
class DevModeCompileErrorTest {

    private static final int PORT = DevModeSession.freePort();

    @RegisterExtension
    static final QuarkusDevModeTest TEST = DevModeSession.on(PORT);

    @Test
    void theErrorPageIsServedAndTheNextFixReloads() throws Exception {
        DevModeSession.awaitBody(PORT, "/dev/version", "version-0");

        TEST.modifySourceFile(DevModeResource.class, source -> source.replace("return \"version-0\";",
                "return \"version-0\" +;"));
        String errorPage = DevModeSession.awaitBody(PORT, "/dev/version", "DevModeResource");
        assertTrue(errorPage.startsWith("HTTP/1.1 500"), errorPage);
        try (H2cClient h2 = H2cClient.priorKnowledge(PORT)) {
            H2cClient.Answer overH2 = h2.get("/dev/version");
            assertEquals(500, overH2.status());
            assertTrue(overH2.body().contains("DevModeResource"), overH2.body());
        }

        TEST.modifySourceFile(DevModeResource.class, source -> source.replace("return \"version-0\" +;",
                "return \"version-fixed\";"));
        String fixed = DevModeSession.awaitBody(PORT, "/dev/version", "version-fixed");
        assertTrue(fixed.startsWith("HTTP/1.1 200"), fixed);
    }
}

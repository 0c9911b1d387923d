package dev.h2fs.transport.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusDevModeTest;
import io.vertx.core.http.StreamResetException;

/**
 * Five live reloads in a row: the transport keeps its one acceptor and its workers (no loop is leaked or started
 * again), each of its meters is registered once (none duplicated by a restart), and the per-worker stream budget set
 * at start-up still refuses the stream over it.
 */
class DevModeRepeatedReloadTest {

    private static final int PORT = DevModeSession.freePort();
    private static final int REFUSED_STREAM = 0x7;

    @RegisterExtension
    static final QuarkusDevModeTest TEST = DevModeSession.on(PORT, "h2fs.transport.threads=1",
            "h2fs.transport.http2.max-streams-per-worker=2");

    @Test
    void fiveReloadsKeepTheLoopsTheMetersAndTheStreamBudget() throws Exception {
        DevModeSession.awaitBody(PORT, "/dev/version", "version-0");
        List<String> threadsBefore = DevModeSession.transportThreads();
        // One worker and one acceptor loop: none left over from an earlier dev-mode session in this JVM either.
        assertEquals(1, threadsBefore.stream().filter(name -> name.startsWith("h2fs-worker-")).count(),
                "transport threads: " + threadsBefore);
        for (int i = 1; i <= 5; i++) {
            String from = "version-" + (i - 1);
            String to = "version-" + i;
            TEST.modifySourceFile(DevModeResource.class, source -> source.replace(from, to));
            DevModeSession.awaitBody(PORT, "/dev/version", to);
        }
        assertEquals(threadsBefore, DevModeSession.transportThreads(), "transport threads after five reloads");

        String metrics = DevModeSession.awaitBody(PORT, "/q/metrics", "h2fs_transport_connections_active");
        for (String meter : List.of("h2fs_transport_connections_active{", "h2fs_transport_streams_refused_total{",
                "h2fs_transport_balancer_shed_total ", "h2fs_transport_accept_errors_total ")) {
            assertEquals(1, metrics.lines().filter(line -> line.startsWith(meter)).count(), meter + " in\n" + metrics);
        }

        assertTheStreamBudgetHolds();
    }

    /** Two streams held open on two connections fill the budget of two; a third, on a third connection, is refused. */
    private static void assertTheStreamBudgetHolds() throws Exception {
        try (H2cClient first = H2cClient.priorKnowledge(PORT);
                H2cClient second = H2cClient.priorKnowledge(PORT);
                H2cClient third = H2cClient.priorKnowledge(PORT)) {
            List<CompletableFuture<H2cClient.Answer>> held = List.of(first.send("/dev/held"), second.send("/dev/held"));
            Thread.sleep(1_000); // both have reached the resource, which answers after 3 s
            ExecutionException refused = assertThrows(ExecutionException.class, () -> third.get("/dev/version"));
            StreamResetException reset = assertInstanceOf(StreamResetException.class, refused.getCause());
            assertEquals(REFUSED_STREAM, reset.getCode());
            for (CompletableFuture<H2cClient.Answer> answer : held) {
                assertEquals(200, answer.get(10, TimeUnit.SECONDS).status());
            }
            assertEquals(200, third.get("/dev/version").status());
        }
    }
}

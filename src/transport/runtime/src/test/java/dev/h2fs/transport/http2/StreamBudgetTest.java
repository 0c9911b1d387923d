package dev.h2fs.transport.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.netty.handler.codec.http2.DefaultHttp2Connection;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Stream;

class StreamBudgetTest {

    private static final long MIB = 1024 * 1024;

    @Test
    void defaultIsAQuarterOfTheHeapAtFourKibPerStreamSharedByTheWorkers() {
        assertEquals(116_508, StreamBudget.defaultLimit(2048 * MIB, 1));
        assertEquals(14_563, StreamBudget.defaultLimit(512 * MIB, 2));
        assertEquals(1, StreamBudget.defaultLimit(1024, 8), "never zero");
        assertEquals(Integer.MAX_VALUE, StreamBudget.defaultLimit(Long.MAX_VALUE, 1), "no overflow");
    }

    @Test
    void countsStreamsOfEveryWatchedConnectionUntilTheyClose() throws Http2Exception {
        StreamBudget budget = new StreamBudget();
        Http2Connection first = new DefaultHttp2Connection(true);
        Http2Connection second = new DefaultHttp2Connection(true);
        budget.watch(first);
        budget.watch(second);

        Http2Stream a = first.remote().createStream(1, false);
        Http2Stream b = second.remote().createStream(1, true); // request with END_STREAM: half-closed, still open
        first.remote().createStream(3, false);
        assertEquals(3, budget.open());

        a.close();
        b.close();
        assertEquals(1, budget.open());
    }

    @Test
    void watchingAConnectionLateCountsTheStreamsAlreadyOpen() throws Http2Exception {
        StreamBudget budget = new StreamBudget();
        Http2Connection upgraded = new DefaultHttp2Connection(true);
        Http2Stream upgradeRequest = upgraded.remote().createStream(1, true);
        budget.watch(upgraded);
        assertEquals(1, budget.open());
        upgradeRequest.close();
        assertEquals(0, budget.open());
    }

    @Test
    void admitsUpToTheLimitThenRefusesAndCounts() throws Http2Exception {
        StreamBudget budget = new StreamBudget();
        budget.limit(2);
        Http2Connection connection = new DefaultHttp2Connection(true);
        budget.watch(connection);

        connection.remote().createStream(1, true);
        assertTrue(budget.admit());
        Http2Stream second = connection.remote().createStream(3, true);
        assertTrue(budget.admit());
        connection.remote().createStream(5, true);
        assertFalse(budget.admit(), "third open stream over a limit of two");
        assertEquals(1, budget.refused());

        second.close();
        assertEquals(2, budget.open());
        assertTrue(budget.admit());
        assertEquals(1, budget.refused());
    }

    @Test
    void theAnnouncedPerConnectionLimitHoldsBeforeTheClientAcknowledgesIt() throws Http2Exception {
        StreamBudget budget = new StreamBudget();
        budget.limitPerConnection(2);
        Http2Connection connection = new DefaultHttp2Connection(true);
        budget.watch(connection); // no SETTINGS ACK ever arrives, so Netty itself has applied no limit

        connection.remote().createStream(1, true);
        connection.remote().createStream(3, true);
        Http2Exception refused = assertThrows(Http2Exception.class, () -> connection.remote().createStream(5, true));
        assertEquals(Http2Error.REFUSED_STREAM, refused.error());
        assertEquals(2, budget.open());
    }

    @Test
    void aLimitBelowOneIsAStartUpErrorNamingTheProperty() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new StreamBudget().limit(0));
        assertTrue(e.getMessage().contains("h2fs.transport.http2.max-streams-per-worker"), e.getMessage());
    }

    @Test
    void uploadWindowsAreGrantedWhileTheBudgetLastsAndComeBackWhenReturned() {
        StreamBudget budget = new StreamBudget();
        budget.limitUploadWindows(1 << 20, 2L * ((1 << 20) - 65_535));
        int grant = (1 << 20) - 65_535;
        assertEquals(grant, budget.grantWindow(65_535));
        assertEquals(grant, budget.grantWindow(65_535));
        assertEquals(0, budget.grantWindow(65_535), "budget spent: the stream keeps the initial window");
        assertEquals(2L * grant, budget.windowGranted());
        budget.returnWindow(grant);
        assertEquals(grant, budget.grantWindow(65_535), "a returned grant can be given again");
    }

    @Test
    void noGrantWhenTheUploadWindowIsNotAboveTheInitialWindow() {
        StreamBudget budget = new StreamBudget();
        budget.limitUploadWindows(65_535, Long.MAX_VALUE);
        assertEquals(0, budget.grantWindow(65_535));
        assertEquals(0, budget.grantWindow(1 << 20));
        assertEquals(0, new StreamBudget().grantWindow(65_535), "nothing granted before limits are set");
    }

    @Test
    void defaultWindowBudgetIsAnEighthOfTheHeapSharedByTheWorkers() {
        assertEquals(256 * MIB, StreamBudget.defaultWindowBudget(2048 * MIB, 1));
        assertEquals(32 * MIB, StreamBudget.defaultWindowBudget(512 * MIB, 2));
    }
}

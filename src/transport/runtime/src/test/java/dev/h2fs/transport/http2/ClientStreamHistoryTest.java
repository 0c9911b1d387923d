package dev.h2fs.transport.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ClientStreamHistoryTest {

    @Test
    void consecutiveStreamsOpenAndLeaveNoGap() {
        ClientStreamHistory history = new ClientStreamHistory();
        assertTrue(history.opens(1));
        assertTrue(history.opens(3));
        assertTrue(history.opens(5));
        assertFalse(history.opens(3));
        assertFalse(history.opens(5));
        for (int id = 1; id <= 5; id += 2) {
            assertFalse(history.skipped(id));
        }
        assertEquals(5, history.highest());
    }

    @Test
    void skippedIdentifiersAreRemembered() {
        ClientStreamHistory history = new ClientStreamHistory();
        assertTrue(history.opens(5)); // skips 1 and 3
        assertTrue(history.opens(7));
        assertTrue(history.opens(13)); // skips 9 and 11
        assertTrue(history.skipped(1));
        assertTrue(history.skipped(3));
        assertFalse(history.skipped(5));
        assertFalse(history.skipped(7));
        assertTrue(history.skipped(9));
        assertTrue(history.skipped(11));
        assertFalse(history.skipped(13));
    }

    @Test
    void onlyTheLatestGapsAreKept() {
        ClientStreamHistory history = new ClientStreamHistory();
        int id = 3; // each step skips one identifier: 1, 5, 9, ...
        for (int i = 0; i < ClientStreamHistory.GAPS + 1; i++) {
            assertTrue(history.opens(id));
            id += 4;
        }
        assertFalse(history.skipped(1), "the oldest gap fell out of the ring");
        assertTrue(history.skipped(5));
        assertTrue(history.skipped(id - 6));
    }

    @Test
    void seedCountsAsOpened() {
        ClientStreamHistory history = new ClientStreamHistory();
        history.seed(1); // h2c upgrade: stream 1 was opened by the HTTP/1.1 request
        assertFalse(history.opens(1));
        assertTrue(history.opens(3));
        assertFalse(history.skipped(1));
    }

    @Test
    void onlyTheLatestResetsAreKept() {
        ClientStreamHistory history = new ClientStreamHistory();
        assertFalse(history.wasResetSent(1));
        for (int i = 0; i < ClientStreamHistory.RESETS + 1; i++) {
            history.resetSent(2 * i + 1);
        }
        assertFalse(history.wasResetSent(1), "the oldest reset fell out of the ring");
        assertTrue(history.wasResetSent(3));
        assertTrue(history.wasResetSent(2 * ClientStreamHistory.RESETS + 1));
    }
}

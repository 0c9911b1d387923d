package dev.h2fs.transport.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/** The connection limit's count, its resume signal, and its default from the descriptor limit. */
class ConnectionLimitTest {

    @Test
    void theDefaultIsThreeQuartersOfTheFreeDescriptors() {
        assertEquals(300, ConnectionLimit.defaultLimit(500, 100));
        assertEquals(1, ConnectionLimit.defaultLimit(100, 100), "never below one");
    }

    @Test
    void anUnknownOrUnlimitedDescriptorLimitMeansNoConnectionLimit() {
        assertEquals(Integer.MAX_VALUE, ConnectionLimit.defaultLimit(-1, 10));
        assertEquals(Integer.MAX_VALUE, ConnectionLimit.defaultLimit(0, 10));
        assertEquals(Integer.MAX_VALUE, ConnectionLimit.defaultLimit(Long.MAX_VALUE, 10));
        assertEquals(Integer.MAX_VALUE, ConnectionLimit.defaultLimit(Long.MAX_VALUE - 1, 10), "capped, no overflow");
    }

    @Test
    void theFirstCloseBelowTheLimitResumesTheListenersOnce() {
        ConnectionLimit limit = new ConnectionLimit();
        limit.limit(2);
        AtomicInteger resumed = new AtomicInteger();
        limit.onBelowLimit(resumed::incrementAndGet);
        assertFalse(limit.opened());
        assertTrue(limit.opened(), "the second connection reaches the limit");
        assertTrue(limit.opened(), "a read batch may take one more");
        limit.closed(); // 3 -> 2: still at the limit
        assertEquals(0, resumed.get());
        limit.closed(); // 2 -> 1: below it
        assertEquals(1, resumed.get());
        limit.closed();
        assertEquals(1, resumed.get());
        assertEquals(0, limit.open());
    }
}

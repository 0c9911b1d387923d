package dev.h2fs.transport.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ProgressWatchTest {

    @Test
    void nothingWaitingIsNeverAStall() {
        ProgressWatch watch = new ProgressWatch();
        assertEquals(0, watch.observe(0, false, 0));
        assertEquals(0, watch.observe(1_000, false, 0));
    }

    @Test
    void aStallIsMeasuredFromTheFirstBeatThatSawIt() {
        ProgressWatch watch = new ProgressWatch();
        assertEquals(0, watch.observe(100, true, 0));
        assertEquals(400, watch.observe(500, true, 0));
        assertEquals(900, watch.observe(1_000, true, 0));
    }

    @Test
    void anyProgressRestartsTheClock() {
        ProgressWatch watch = new ProgressWatch();
        watch.observe(0, true, 0);
        watch.observe(500, true, 0);
        assertEquals(0, watch.observe(1_000, true, 1));
        assertEquals(0, watch.observe(1_500, true, 1));
        assertEquals(500, watch.observe(2_000, true, 1));
    }

    @Test
    void emptyingTheQueueRestartsTheClock() {
        ProgressWatch watch = new ProgressWatch();
        watch.observe(0, true, 5);
        watch.observe(500, true, 5);
        assertEquals(0, watch.observe(1_000, false, 5));
        assertEquals(0, watch.observe(1_500, true, 5));
    }
}

package dev.h2fs.transport.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class AccessLogHandOffTest {

    @Test
    void linesReachTheLogInOrderOnItsOwnThread() throws Exception {
        List<String> written = new CopyOnWriteArrayList<>();
        List<String> threads = new CopyOnWriteArrayList<>();
        try (AccessLogHandOff handOff = new AccessLogHandOff(line -> {
            written.add(line);
            threads.add(Thread.currentThread().getName());
        }, 16)) {
            for (int i = 0; i < 10; i++) {
                handOff.offer("line " + i);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (written.size() < 10 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(0, handOff.dropped());
        }
        assertEquals(10, written.size());
        for (int i = 0; i < 10; i++) {
            assertEquals("line " + i, written.get(i));
        }
        assertTrue(threads.stream().allMatch("h2fs-access-log"::equals), threads.toString());
    }

    /** A log that blocks (a full disk, a stuck console) never blocks the caller: lines beyond the queue are dropped. */
    @Test
    void aBlockedLogDropsAndCountsLinesInsteadOfBlockingTheLoop() throws Exception {
        CountDownLatch blocked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> written = new CopyOnWriteArrayList<>();
        AccessLogHandOff handOff = new AccessLogHandOff(line -> {
            blocked.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            written.add(line);
        }, 4);
        try {
            handOff.offer("first"); // taken by the log's thread, which then blocks
            assertTrue(blocked.await(10, TimeUnit.SECONDS));
            long start = System.nanoTime();
            for (int i = 0; i < 100; i++) {
                handOff.offer("line " + i);
            }
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "offers never waited");
            assertEquals(96, handOff.dropped(), "4 queued, the rest dropped");
        } finally {
            release.countDown();
            handOff.close();
        }
        assertEquals(5, written.size(), "the queued lines were written once the log moved again: " + written);
    }

    @Test
    void aLogThatThrowsLosesThatLineOnly() throws Exception {
        List<String> written = new CopyOnWriteArrayList<>();
        try (AccessLogHandOff handOff = new AccessLogHandOff(line -> {
            if (line.equals("bad")) {
                throw new IllegalStateException("refused");
            }
            written.add(line);
        }, 16)) {
            handOff.offer("bad");
            handOff.offer("good");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (written.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(List.of("good"), written);
            assertEquals(1, handOff.dropped());
        }
    }
}

package dev.h2fs.files.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class StreamBuffersTest {

    @Test
    void takesWhileTheBudgetLastsThenParksTheRetry() {
        StreamBuffers buffers = new StreamBuffers(10, 4);
        AtomicInteger retries = new AtomicInteger();
        assertTrue(buffers.takeOrWait(4, retries::incrementAndGet));
        assertTrue(buffers.takeOrWait(4, retries::incrementAndGet));
        assertFalse(buffers.takeOrWait(4, retries::incrementAndGet));
        assertEquals(2, buffers.available());
        assertEquals(0, retries.get());
    }

    @Test
    void releaseRunsEveryParkedRetryOnce() {
        StreamBuffers buffers = new StreamBuffers(4, 4);
        AtomicInteger retries = new AtomicInteger();
        assertTrue(buffers.takeOrWait(4, () -> {
        }));
        assertFalse(buffers.takeOrWait(4, retries::incrementAndGet));
        assertFalse(buffers.takeOrWait(4, retries::incrementAndGet));
        buffers.release(4);
        assertEquals(2, retries.get());
        assertEquals(4, buffers.available());
        buffers.release(0);
        assertEquals(2, retries.get(), "a retry runs once; it parks again itself if it still cannot take");
    }

    @Test
    void budgetBelowOneChunkIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new StreamBuffers(1024, 4096));
        assertTrue(e.getMessage().contains("stream-buffer-budget"), e.getMessage());
    }
}

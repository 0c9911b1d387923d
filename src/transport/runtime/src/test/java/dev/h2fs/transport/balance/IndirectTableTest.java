package dev.h2fs.transport.balance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class IndirectTableTest {

    @Test
    void startsWithWorkersInOrderRepeating() {
        assertArrayEquals(new int[] { 0, 1, 2, 0, 1, 2, 0 }, new IndirectTable(7, 3).snapshot());
        assertArrayEquals(new int[] { 0, 0, 0 }, new IndirectTable(3, 1).snapshot());
        assertArrayEquals(new int[] { 0, 1 }, new IndirectTable(2, 5).snapshot());
    }

    @Test
    void everyHashMapsIntoTheTableNegativesIncluded() {
        IndirectTable table = new IndirectTable(5, 2);
        for (int hash : new int[] { 0, 1, 4, 5, -1, -5, -6, Integer.MIN_VALUE, Integer.MAX_VALUE }) {
            int slot = table.slotOf(hash);
            assertTrue(slot >= 0 && slot < 5, hash + " -> " + slot);
            assertEquals(Math.floorMod(hash, 5), slot);
        }
    }

    @Test
    void rewriteRedirectsTheSlotOnly() {
        IndirectTable table = new IndirectTable(4, 2);
        table.rewrite(2, 1);
        assertArrayEquals(new int[] { 0, 1, 1, 1 }, table.snapshot());
        assertEquals(1, table.workerAt(table.slotOf(6)));
    }

    @Test
    void rejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new IndirectTable(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new IndirectTable(1, 0));
        assertThrows(IllegalArgumentException.class, () -> new IndirectTable(4, 2).rewrite(0, 2));
        assertThrows(IllegalArgumentException.class, () -> new IndirectTable(4, 2).rewrite(0, -1));
    }
}

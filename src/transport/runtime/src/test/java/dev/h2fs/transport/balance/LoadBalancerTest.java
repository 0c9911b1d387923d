package dev.h2fs.transport.balance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class LoadBalancerTest {

    /** A plain bounded list standing in for a worker queue; the balancer only sees the interface. */
    static final class ListQueue implements BoundedQueue<String> {
        final List<String> items = new ArrayList<>();
        int capacity;

        ListQueue(int capacity) {
            this.capacity = capacity;
        }

        @Override
        public boolean offer(String item) {
            if (items.size() >= capacity) {
                return false;
            }
            items.add(item);
            return true;
        }
    }

    private static List<ListQueue> queues(int n, int capacity) {
        List<ListQueue> queues = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            queues.add(new ListQueue(capacity));
        }
        return queues;
    }

    /**
     * Every combination of full and free queues, for 1 to 4 workers, from every slot: the item lands on the slot's
     * worker if it has room; else on another worker with room, and the slot is rewritten to it; else it is shed and
     * nothing changes.
     */
    @Test
    void exhaustiveOverFullnessPatternsAndSlots() {
        for (int n = 1; n <= 4; n++) {
            int tableSize = 2 * n + 1;
            for (int fullMask = 0; fullMask < (1 << n); fullMask++) {
                for (int slot = 0; slot < tableSize; slot++) {
                    List<ListQueue> queues = queues(n, 1);
                    for (int w = 0; w < n; w++) {
                        queues.get(w).capacity = (fullMask & (1 << w)) != 0 ? 0 : 1;
                    }
                    IndirectTable table = new IndirectTable(tableSize, n);
                    int[] before = table.snapshot();
                    LoadBalancer<String> balancer = new LoadBalancer<>(queues, table);
                    int preferred = before[slot];
                    String context = "n=" + n + " full=" + Integer.toBinaryString(fullMask) + " slot=" + slot;

                    int chosen = balancer.dispatch("c", slot); // hash == slot: slotOf is floorMod

                    if ((fullMask & (1 << preferred)) == 0) {
                        assertEquals(preferred, chosen, context);
                        assertArrayEquals(before, table.snapshot(), context);
                        assertEquals(0, balancer.reassignments(), context);
                    } else if (fullMask != (1 << n) - 1) {
                        assertNotEquals(LoadBalancer.SHED, chosen, context);
                        assertNotEquals(preferred, chosen, context);
                        assertEquals(0, fullMask & (1 << chosen), context + ": chose a full queue");
                        int[] expected = before.clone();
                        expected[slot] = chosen;
                        assertArrayEquals(expected, table.snapshot(), context);
                        assertEquals(1, balancer.reassignments(), context);
                    } else {
                        assertEquals(LoadBalancer.SHED, chosen, context);
                        assertArrayEquals(before, table.snapshot(), context);
                        assertEquals(1, balancer.shed(), context);
                    }
                    int placed = 0;
                    for (int w = 0; w < n; w++) {
                        placed += queues.get(w).items.size();
                        if (w != chosen) {
                            assertTrue(queues.get(w).items.isEmpty(), context);
                        }
                    }
                    assertEquals(chosen == LoadBalancer.SHED ? 0 : 1, placed, context);
                    assertEquals(0, balancer.shed() + balancer.reassignments() - (chosen == preferred ? 0 : 1),
                            context);
                }
            }
        }
    }

    @Test
    void laterConnectionsFollowTheRewrittenEntry() {
        List<ListQueue> queues = queues(3, 10);
        queues.get(0).capacity = 0;
        IndirectTable table = new IndirectTable(3, 3);
        LoadBalancer<String> balancer = new LoadBalancer<>(queues, table);
        int moved = balancer.dispatch("a", 0);
        assertNotEquals(0, moved);
        queues.get(0).capacity = 10; // worker 0 has room again, but slot 0 now names the other worker
        assertEquals(moved, balancer.dispatch("b", 3));
        assertEquals(1, balancer.reassignments());
    }

    @Test
    void fallbackRotatesOverAllOtherWorkers() {
        List<ListQueue> queues = queues(4, 100);
        queues.get(0).capacity = 0;
        IndirectTable table = new IndirectTable(4, 4);
        LoadBalancer<String> balancer = new LoadBalancer<>(queues, table);
        Set<Integer> chosen = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            table.rewrite(0, 0); // keep pointing the slot at the full worker
            chosen.add(balancer.dispatch("c" + i, 0));
        }
        assertEquals(Set.of(1, 2, 3), chosen);
    }

    @Test
    void burstFillsEveryQueueThenSheds() {
        List<ListQueue> queues = queues(3, 2);
        LoadBalancer<String> balancer = new LoadBalancer<>(queues, new IndirectTable(8, 3));
        int shed = 0;
        for (int i = 0; i < 10; i++) {
            if (balancer.dispatch("c" + i, i * 7) == LoadBalancer.SHED) {
                shed++;
            }
        }
        assertEquals(4, shed);
        assertEquals(4, balancer.shed());
        queues.forEach(q -> assertEquals(2, q.items.size()));
    }

    @Test
    void rejectsMismatchedTable() {
        assertThrows(IllegalArgumentException.class,
                () -> new LoadBalancer<>(queues(2, 1), new IndirectTable(4, 3)));
        assertThrows(IllegalArgumentException.class,
                () -> new LoadBalancer<>(List.<ListQueue>of(), new IndirectTable(4, 1)));
    }
}

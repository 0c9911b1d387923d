package dev.h2fs.transport.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.h2fs.transport.balance.IndirectTable;
import dev.h2fs.transport.balance.LoadBalancer;

class WorkerQueueTest {

    /** Runs submitted tasks only when the test says so, like a loop busy with I/O. */
    static final class ManualExecutor implements java.util.concurrent.Executor {
        final Queue<Runnable> tasks = new ArrayDeque<>();

        @Override
        public void execute(Runnable task) {
            tasks.add(task);
        }

        void runAll() {
            Runnable task;
            while ((task = tasks.poll()) != null) {
                task.run();
            }
        }
    }

    @Test
    void wakesTheConsumerOncePerBatch() {
        ManualExecutor loop = new ManualExecutor();
        List<Integer> drained = new ArrayList<>();
        WorkerQueue<Integer> queue = new WorkerQueue<>(16, loop, drained::add);
        for (int i = 0; i < 5; i++) {
            assertTrue(queue.offer(i));
        }
        assertEquals(1, loop.tasks.size(), "one drain task for the whole batch");
        assertEquals(1, queue.wakeups());
        loop.runAll();
        assertEquals(List.of(0, 1, 2, 3, 4), drained);
        assertTrue(queue.offer(5));
        assertEquals(2, queue.wakeups(), "a new batch after the drain wakes again");
        loop.runAll();
        assertEquals(List.of(0, 1, 2, 3, 4, 5), drained);
    }

    @Test
    void refusesWhenFullAtTheConfiguredCapacityNotThePowerOfTwo() {
        ManualExecutor loop = new ManualExecutor();
        WorkerQueue<Integer> queue = new WorkerQueue<>(3, loop, i -> {
        });
        assertTrue(queue.offer(1));
        assertTrue(queue.offer(2));
        assertTrue(queue.offer(3));
        assertFalse(queue.offer(4));
        assertEquals(3, queue.size());
        loop.runAll();
        assertEquals(0, queue.size());
        assertTrue(queue.offer(4));
    }

    @Test
    void capacityOneHoldsOne() {
        ManualExecutor loop = new ManualExecutor();
        WorkerQueue<Integer> queue = new WorkerQueue<>(1, loop, i -> {
        });
        assertTrue(queue.offer(1));
        assertFalse(queue.offer(2));
    }

    /**
     * The real thread roles: one producer thread runs the balancer over four queues, each drained by its own
     * single consumer thread. Every item arrives exactly once, in order per queue; what the balancer refused is
     * exactly what never arrived; wake-ups are batched.
     */
    @Test
    void singleProducerManyConsumersLoseNothing() throws Exception {
        int workers = 4;
        int items = 200_000;
        List<ExecutorService> loops = new ArrayList<>();
        List<WorkerQueue<Integer>> queues = new ArrayList<>();
        int[][] lastSeen = new int[workers][1];
        AtomicInteger received = new AtomicInteger();
        AtomicInteger outOfOrder = new AtomicInteger();
        for (int w = 0; w < workers; w++) {
            ExecutorService loop = Executors.newSingleThreadExecutor();
            loops.add(loop);
            int[] last = lastSeen[w];
            last[0] = -1;
            queues.add(new WorkerQueue<>(8, loop, item -> {
                if (item <= last[0]) {
                    outOfOrder.incrementAndGet(); // only this queue's consumer touches last
                }
                last[0] = item;
                received.incrementAndGet();
            }));
        }
        LoadBalancer<Integer> balancer = new LoadBalancer<>(queues, new IndirectTable(64, workers));
        Thread producer = new Thread(() -> {
            for (int i = 0; i < items; i++) {
                balancer.dispatch(i, i * 31);
            }
        });
        producer.start();
        producer.join();
        for (ExecutorService loop : loops) {
            loop.shutdown();
            assertTrue(loop.awaitTermination(10, TimeUnit.SECONDS));
        }
        assertEquals(0, outOfOrder.get());
        assertEquals(items, received.get() + balancer.shed());
        long wakeups = queues.stream().mapToLong(WorkerQueue::wakeups).sum();
        assertTrue(wakeups <= received.get(), "never more than one wake-up per item: " + wakeups);
        queues.forEach(q -> assertEquals(0, q.size()));
    }
}

package dev.h2fs.transport.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import dev.h2fs.transport.balance.IndirectTable;
import dev.h2fs.transport.balance.LoadBalancer;

class WorkerQueueTest {

    /** For the queues whose loop never dies. */
    private static final Consumer<Integer> NOT_DEAD = item -> {
        throw new AssertionError("no loop died, yet item " + item + " was handed back");
    };

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
        WorkerQueue<Integer> queue = new WorkerQueue<>(16, loop, drained::add, NOT_DEAD);
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
        }, NOT_DEAD);
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
        }, NOT_DEAD);
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
            }, NOT_DEAD));
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

    @Test
    void aDeadLoopMakesTheQueueCountAsFullAndHandsBackWhatItHeld() {
        List<Integer> drained = new ArrayList<>();
        List<Integer> handedBack = new ArrayList<>();
        AtomicBoolean loopDead = new AtomicBoolean();
        List<Runnable> tasks = new ArrayList<>();
        Executor dyingLoop = task -> {
            if (loopDead.get()) {
                throw new RejectedExecutionException("event executor terminated");
            }
            tasks.add(task);
        };
        WorkerQueue<Integer> queue = new WorkerQueue<>(8, dyingLoop, drained::add, handedBack::add);
        assertTrue(queue.offer(1));
        tasks.forEach(Runnable::run); // drained: the wake-up flag is clear again
        assertEquals(List.of(1), drained);

        loopDead.set(true);
        assertFalse(queue.offer(2), "refused: its loop cannot drain it");
        assertTrue(queue.isDead());
        assertEquals(0, queue.size());
        assertEquals(List.of(), handedBack, "the refused item stays with the caller");
        assertFalse(queue.offer(3), "a dead queue counts as full");
        assertEquals(List.of(1), drained);
    }

    @Test
    void itemsQueuedToALoopThatDiedWithADrainPendingAreHandedBack() {
        List<Integer> handedBack = new ArrayList<>();
        DyingLoop loop = new DyingLoop();
        WorkerQueue<Integer> queue = new WorkerQueue<>(8, loop, item -> {
        }, handedBack::add);
        assertTrue(queue.offer(1)); // a drain task is pending...
        assertTrue(queue.offer(2));
        loop.die(); // ...and dies with the loop: no later offer submits another, the flag is still set
        assertFalse(queue.offer(3));
        assertTrue(queue.isDead());
        assertEquals(List.of(1, 2), handedBack);
    }

    /** A loop that can die: it then rejects tasks and says it is shut down, as a terminated Netty loop does. */
    private static final class DyingLoop extends AbstractExecutorService {
        private volatile boolean dead;

        void die() {
            dead = true;
        }

        @Override
        public void execute(Runnable task) {
            if (dead) {
                throw new RejectedExecutionException("event executor terminated");
            }
        }

        @Override
        public boolean isShutdown() {
            return dead;
        }

        @Override
        public boolean isTerminated() {
            return dead;
        }

        @Override
        public void shutdown() {
            dead = true;
        }

        @Override
        public List<Runnable> shutdownNow() {
            dead = true;
            return List.of();
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return dead;
        }
    }
}

package dev.h2fs.transport.loop;

import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.jctools.queues.SpscArrayQueue;

import dev.h2fs.transport.balance.BoundedQueue;
import dev.h2fs.transport.balance.ThreadConfinement;

/**
 * A worker's bounded inbox: a JCTools {@link SpscArrayQueue} plus a "wake-up pending" flag, so the worker is woken
 * once per batch of hand-offs rather than once per connection.
 * <p>
 * Thread: {@link #offer} is single-producer (the acceptor only). The drain runs on the consumer, which is whatever
 * single thread {@code wakeTarget} runs tasks on (the worker's event loop). {@link #size()}, {@link #wakeups()} may
 * be read from any thread.
 *
 * @param <T> the item handed off
 */
public final class WorkerQueue<T> implements BoundedQueue<T> {

    private final SpscArrayQueue<T> queue;
    private final int capacity;
    private final Executor wakeTarget;
    private final Consumer<T> sink;
    private final Runnable drainTask = this::drain;
    // True from the moment a drain task is submitted until that task starts draining: while it is true, the producer
    // knows a drain is already on its way and need not submit (and so not wake the loop) again.
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private final AtomicLong wakeups = new AtomicLong();
    private final ThreadConfinement producer = new ThreadConfinement();
    private final ThreadConfinement consumer = new ThreadConfinement();
    private final Consumer<T> onDead;
    private volatile boolean dead;

    /**
     * @param capacity maximum items held; enforced exactly (JCTools would round it up to a power of two)
     * @param wakeTarget runs the drain task on the consumer thread (the worker's event loop)
     * @param sink called on the consumer thread for each item, in hand-off order
     * @param onDead called on the producer thread for each item left in the queue when the consumer is found dead
     */
    public WorkerQueue(int capacity, Executor wakeTarget, Consumer<T> sink, Consumer<T> onDead) {
        if (capacity < 1) {
            throw new IllegalArgumentException("queue capacity must be >= 1, was " + capacity);
        }
        this.capacity = capacity;
        this.queue = new SpscArrayQueue<>(capacity);
        this.wakeTarget = Objects.requireNonNull(wakeTarget);
        this.sink = Objects.requireNonNull(sink);
        this.onDead = Objects.requireNonNull(onDead);
    }

    /**
     * {@inheritDoc}
     * <p>
     * Single producer only. Submits one drain task to the consumer if none is pending. If the consumer's executor
     * rejects the task, its loop is dead (shut down, or its thread ended): the queue is then dead for good, counts as
     * full from now on, and hands every item still in it, this one excepted, to {@code onDead} (which closes them);
     * this item is refused, so the caller places it elsewhere. Without this, the item stayed queued and the wake-up
     * flag stayed set, so every later item was queued to a loop that would never drain it.
     */
    @Override
    public boolean offer(T item) {
        assert producer.check();
        if (dead) {
            return false;
        }
        // Seen from the producer, size() can only over-estimate (the consumer may have polled since), so this check
        // never lets the queue exceed the configured capacity; JCTools itself would accept up to the next power of 2.
        if (queue.size() >= capacity || !queue.offer(item)) {
            return false;
        }
        // getAndSet, not a plain read: its volatile write orders the element store above before the consumer's
        // getAndSet(false) in drain(), so a drain that clears the flag after this point sees the element.
        if (!wakeupPending.getAndSet(true)) {
            wakeups.incrementAndGet();
            try {
                wakeTarget.execute(drainTask);
            } catch (RuntimeException rejected) {
                die(item);
                return false;
            }
        } else if (wakeTarget instanceof ExecutorService loop && loop.isShutdown()) {
            // A drain was pending when the loop died: it will never run, and no offer would submit another.
            die(item);
            return false;
        }
        return true;
    }

    /**
     * The consumer is gone for good, so the producer may take its place: nothing else will ever poll this queue.
     * Items handed over earlier go to {@code onDead}; {@code refused} goes back to the caller.
     */
    private void die(T refused) {
        dead = true;
        T item;
        while ((item = queue.poll()) != null) {
            if (item != refused) {
                onDead.accept(item);
            }
        }
    }

    /** @return whether the consumer's loop was found dead; the queue then takes nothing; any thread */
    public boolean isDead() {
        return dead;
    }

    /** Consumer thread only: hands every queued item to the sink. */
    private void drain() {
        assert consumer.check();
        // Clear the flag before polling: an item offered after the last poll below then finds the flag false and
        // submits a fresh drain, so no item is stranded.
        wakeupPending.getAndSet(false);
        T item;
        while ((item = queue.poll()) != null) {
            sink.accept(item);
        }
    }

    /** @return items currently queued (a racy estimate); any thread */
    public int size() {
        return queue.size();
    }

    /** @return the configured capacity; any thread */
    public int capacity() {
        return capacity;
    }

    /** @return how many drain tasks the producer submitted so far; any thread */
    public long wakeups() {
        return wakeups.get();
    }
}

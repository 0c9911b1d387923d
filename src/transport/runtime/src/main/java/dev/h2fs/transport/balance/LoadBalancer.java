package dev.h2fs.transport.balance;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Chooses the worker queue for each new connection, after the reference server:
 * <ol>
 * <li>the connection's hash selects an {@link IndirectTable} slot, the slot names a worker; if that worker's queue
 * has room the item goes there;</li>
 * <li>otherwise the other queues are walked round-robin for one with room; on success the item goes there and the
 * slot is <em>rewritten</em> to that worker (counted as a reassignment);</li>
 * <li>if every queue is full the item is refused: the caller closes the connection (counted as shed).</li>
 * </ol>
 * The round-robin walk starts at a cursor that advances past every fallback winner, so a burst that overflows one
 * worker is spread over all the others instead of piling onto its neighbour.
 * <p>
 * Pure and socket-free. Thread: {@link #dispatch} is confined to the single producer thread (the acceptor), which
 * is also the only producer of every queue. The counters may be read from any thread.
 *
 * @param <T> the item handed off
 */
public final class LoadBalancer<T> {

    /** Returned by {@link #dispatch} when every queue was full; the item still belongs to the caller. */
    public static final int SHED = -1;

    private final List<? extends BoundedQueue<T>> queues;
    private final IndirectTable table;
    // Written only by the producer thread; atomics so metrics and health threads read fresh values.
    private final AtomicLong reassignments = new AtomicLong();
    private final AtomicLong shed = new AtomicLong();
    private int fallbackCursor;
    private final ThreadConfinement producer = new ThreadConfinement();

    /**
     * @param queues one queue per worker, indexed by worker number
     * @param table the indirect table; its worker count must equal the number of queues
     */
    public LoadBalancer(List<? extends BoundedQueue<T>> queues, IndirectTable table) {
        if (queues.isEmpty()) {
            throw new IllegalArgumentException("at least one worker queue is needed");
        }
        if (table.workers() != queues.size()) {
            throw new IllegalArgumentException(
                    "table ranges over " + table.workers() + " workers but there are " + queues.size() + " queues");
        }
        this.queues = List.copyOf(queues);
        this.table = table;
    }

    /**
     * Hands {@code item} to a worker queue.
     *
     * @param item the item to hand off
     * @param hash the item's hash (any int)
     * @return the worker number whose queue took the item, or {@link #SHED} if all queues were full
     */
    public int dispatch(T item, int hash) {
        assert producer.check();
        int slot = table.slotOf(hash);
        int preferred = table.workerAt(slot);
        if (queues.get(preferred).offer(item)) {
            return preferred;
        }
        int n = queues.size();
        for (int step = 0; step < n; step++) {
            int candidate = (fallbackCursor + step) % n;
            if (candidate == preferred) {
                continue; // already known full
            }
            if (queues.get(candidate).offer(item)) {
                table.rewrite(slot, candidate);
                fallbackCursor = (candidate + 1) % n;
                reassignments.incrementAndGet();
                return candidate;
            }
        }
        shed.incrementAndGet();
        return SHED;
    }

    /** @return the number of workers; any thread */
    public int workers() {
        return queues.size();
    }

    /** @return items sent to a worker other than their slot's, since creation; any thread */
    public long reassignments() {
        return reassignments.get();
    }

    /** @return items refused because every queue was full, since creation; any thread */
    public long shed() {
        return shed.get();
    }
}

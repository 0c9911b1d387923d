package dev.h2fs.transport.balance;

import java.util.Arrays;

/**
 * The load balancer's indirect table: a connection's hash selects a slot, the slot names a worker. It starts filled
 * with worker numbers in order, repeating ({@code 0, 1, .., n-1, 0, 1, ..}), and the balancer rewrites a slot when
 * it had to send that slot's connection elsewhere, so later connections hashing there follow the new worker.
 * <p>
 * Thread: confined to the balancer's thread (the acceptor); not thread-safe. {@link #snapshot()} is for tests and
 * diagnostics on that same thread.
 */
public final class IndirectTable {

    private final int[] workerBySlot;
    private final int workers;

    /**
     * @param size number of slots, at least 1
     * @param workers number of workers, at least 1
     */
    public IndirectTable(int size, int workers) {
        if (size < 1) {
            throw new IllegalArgumentException("indirect table size must be >= 1, was " + size);
        }
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be >= 1, was " + workers);
        }
        this.workers = workers;
        this.workerBySlot = new int[size];
        for (int slot = 0; slot < size; slot++) {
            workerBySlot[slot] = slot % workers;
        }
    }

    /** @return the number of slots */
    public int size() {
        return workerBySlot.length;
    }

    /** @return the number of workers the entries range over */
    public int workers() {
        return workers;
    }

    /**
     * @return the slot of {@code hash}; any int is valid, negative hashes included
     */
    public int slotOf(int hash) {
        return Math.floorMod(hash, workerBySlot.length);
    }

    /** @return the worker the slot currently names */
    public int workerAt(int slot) {
        return workerBySlot[slot];
    }

    /** Points {@code slot} at {@code worker} for every later connection hashing there. */
    public void rewrite(int slot, int worker) {
        if (worker < 0 || worker >= workers) {
            throw new IllegalArgumentException("worker " + worker + " out of range [0, " + workers + ")");
        }
        workerBySlot[slot] = worker;
    }

    /** @return a copy of the entries, slot by slot */
    public int[] snapshot() {
        return Arrays.copyOf(workerBySlot, workerBySlot.length);
    }
}

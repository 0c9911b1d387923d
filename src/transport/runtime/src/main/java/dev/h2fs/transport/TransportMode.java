package dev.h2fs.transport;

/**
 * How accepted connections reach the worker loops. Immutable; any thread.
 */
public enum TransportMode {

    /**
     * One acceptor thread accepts every connection and hands it to a worker chosen by the load balancer
     * (hash, indirect table, round-robin fallback, shed when all queues are full). Dispatch is under our control.
     */
    ACCEPTOR,

    /**
     * Each worker owns its own {@code SO_REUSEPORT} listening socket and the kernel spreads connections over them.
     * Needs native epoll; without it the transport falls back to {@link #ACCEPTOR} and says so in the log.
     */
    REUSEPORT
}

package dev.h2fs.transport.balance;

/**
 * A bounded hand-off target the {@link LoadBalancer} offers work to.
 * <p>
 * Thread: single producer. Only the balancer's thread (the acceptor) may call {@link #offer}; the consumer side is
 * the implementation's business.
 *
 * @param <T> the item handed off (a connection in production, anything in tests)
 */
public interface BoundedQueue<T> {

    /**
     * Enqueues {@code item} and makes sure the consumer will see it.
     *
     * @return {@code true} if the item was enqueued, {@code false} if and only if the queue was full (the item was
     *         not taken and still belongs to the caller)
     */
    boolean offer(T item);
}

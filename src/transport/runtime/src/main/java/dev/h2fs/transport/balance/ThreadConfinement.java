package dev.h2fs.transport.balance;

/**
 * An assertion helper for classes confined to one thread that has no event loop to ask ({@code inEventLoop()}): the
 * first thread to call {@link #check()} becomes the owner, any other thread later fails the assertion. Only used in
 * {@code assert} statements, so it costs nothing when assertions are off.
 * <p>
 * Thread: any; the owner is published through a volatile field.
 */
public final class ThreadConfinement {

    private volatile Thread owner;

    /** @return {@code true} if the caller is the owner (claiming ownership on first use) */
    public boolean check() {
        Thread current = Thread.currentThread();
        if (owner == null) {
            owner = current;
        }
        if (owner != current) {
            throw new AssertionError("confined to " + owner.getName() + " but called on " + current.getName());
        }
        return true;
    }
}

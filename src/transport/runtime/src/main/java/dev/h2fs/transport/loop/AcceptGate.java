package dev.h2fs.transport.loop;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.unix.Errors;

/**
 * Whether one listening socket takes connections from the kernel's backlog now, and what its {@code accept()} errors
 * do. Accepting is on once started, unless it is backing off from a lack of resources or the transport is at its
 * connection limit; connections wait in the backlog meanwhile, they are not reset.
 * <p>
 * Accept errors, after Netty's {@code ServerBootstrapAcceptor} and Jetty's {@code AbstractConnector.handleAcceptFailure}:
 * <ul>
 * <li>a lack of resources (EMFILE, ENFILE: descriptors; ENOBUFS, ENOMEM: kernel memory) heals as connections close:
 * accepting pauses for {@link #BACKOFF_MILLIS} and resumes; counted; logged at WARN at most once per
 * {@link #LOG_INTERVAL_NANOS}, with the count of those not logged (a burst must not flood the log);</li>
 * <li>any other error means the listening socket itself is broken: it is closed, counted, logged at ERROR, and
 * {@link #failed()} tells liveness, since only a restart helps.</li>
 * </ul>
 * Thread: everything but {@link #failed()} and the counters on the listener's loop.
 */
final class AcceptGate {

    private static final Logger LOG = Logger.getLogger(AcceptGate.class);
    /** How long accepting pauses after a resource error: Netty's and Jetty's choice. */
    static final long BACKOFF_MILLIS = 1_000;
    static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
    // errno values (Linux): too many open files (process, system), no buffer space, out of memory
    private static final int EMFILE = 24;
    private static final int ENFILE = 23;
    private static final int ENOBUFS = 105;
    private static final int ENOMEM = 12;
    /**
     * Loaded with this class, at start-up: Netty reports EMFILE with this exception, and loading a class for the first
     * time at EMFILE fails (the class loader cannot open its jar).
     */
    private static final Class<?> NATIVE_IO_EXCEPTION = Errors.NativeIoException.class;

    private final Channel channel;
    private final String name;
    private final AtomicLong errors;
    private final AtomicLong limitPauses;
    private final ConnectionLimit limit;
    private boolean started;
    private boolean backingOff;
    private boolean atLimit;
    private volatile boolean failed;
    private long lastLogNanos;
    private long notLogged;

    /**
     * @param channel the listening socket (a server channel)
     * @param loop the listening socket's loop (it may not be registered yet)
     * @param name how logs name it
     * @param errors counts accept errors
     * @param limitPauses counts the times accepting paused at the connection limit
     * @param limit the transport's connection limit, shared by all its listeners
     */
    AcceptGate(Channel channel, EventLoop loop, String name, AtomicLong errors, AtomicLong limitPauses,
            ConnectionLimit limit) {
        this.channel = channel;
        this.name = name;
        this.errors = errors;
        this.limitPauses = limitPauses;
        this.limit = limit;
        limit.onBelowLimit(() -> ConnectionLimit.runOn(loop, () -> atLimit(limit.atLimit())));
    }

    /** Counts a connection just accepted until it closes; at the limit, accepting pauses. */
    void accepted(Channel child) {
        if (limit.opened()) {
            atLimit(true);
        }
        child.closeFuture().addListener(closed -> limit.closed());
    }

    /** Accepting may begin (the workers are ready). */
    void start() {
        started = true;
        update();
    }

    /** The transport reached (or left) its connection limit. */
    void atLimit(boolean full) {
        if (full && !atLimit) {
            limitPauses.incrementAndGet();
        }
        atLimit = full;
        update();
    }

    /** @return whether the listening socket was closed by an error that cannot heal; any thread */
    boolean failed() {
        return failed;
    }

    /** Applies the policy above to an error from {@code accept()}. */
    void onAcceptError(Throwable cause) {
        assert channel.eventLoop().inEventLoop();
        errors.incrementAndGet();
        if (!isResourceShortage(cause)) {
            failed = true;
            LOG.errorf(cause, "accept() failed on %s (%s); closing it: only a restart helps (liveness goes DOWN)",
                    name, channel.localAddress());
            channel.close();
            return;
        }
        long now = System.nanoTime();
        if (lastLogNanos == 0 || now - lastLogNanos >= LOG_INTERVAL_NANOS) {
            LOG.warnf("accept() failed on %s: %s; not accepting for %d ms (%d more such errors since the last report)",
                    name, cause.getMessage(), BACKOFF_MILLIS, notLogged);
            lastLogNanos = now;
            notLogged = 0;
        } else {
            notLogged++;
        }
        if (!backingOff) {
            backingOff = true;
            update();
            channel.eventLoop().schedule(() -> {
                backingOff = false;
                update();
            }, BACKOFF_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    private void update() {
        if (channel.isOpen()) {
            channel.config().setAutoRead(started && !backingOff && !atLimit);
        }
    }

    /** @return whether {@code cause} is a lack of descriptors or kernel memory, which heals by itself */
    static boolean isResourceShortage(Throwable cause) {
        if (NATIVE_IO_EXCEPTION.isInstance(cause)) {
            Errors.NativeIoException nativeError = (Errors.NativeIoException) cause;
            int errno = Math.abs(nativeError.expectedErr()); // Netty keeps errno negated
            return errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM;
        }
        // NIO reports errno as the message of a plain IOException.
        String message = String.valueOf(cause.getMessage());
        return message.contains("Too many open files") || message.contains("No buffer space available")
                || message.contains("Cannot allocate memory");
    }
}

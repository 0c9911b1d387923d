package dev.h2fs.transport.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.unix.Errors;

/**
 * What an accept() error does: a lack of descriptors or memory pauses accepting for a second and then resumes it; any
 * other error closes the listening socket and marks it failed. The connection limit pauses accepting likewise.
 */
class AcceptGateTest {

    /** An embedded channel stands in for the listening socket: only its autoRead, loop and open state are used. */
    private final EmbeddedChannel listener = new EmbeddedChannel();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong pauses = new AtomicLong();
    private final ConnectionLimit limit = new ConnectionLimit();

    private AcceptGate gate() {
        listener.freezeTime();
        AcceptGate gate = new AcceptGate(listener, listener.eventLoop(), "test listener", errors, pauses, limit);
        gate.start();
        assertTrue(listener.config().isAutoRead());
        return gate;
    }

    @Test
    void emfileBacksOffForASecondThenAcceptsAgain() {
        AcceptGate gate = gate();
        gate.onAcceptError(new Errors.NativeIoException("accept", -24)); // EMFILE
        assertFalse(listener.config().isAutoRead(), "still accepting right after EMFILE");
        assertEquals(1, errors.get());
        listener.advanceTimeBy(AcceptGate.BACKOFF_MILLIS - 1, TimeUnit.MILLISECONDS);
        listener.runScheduledPendingTasks();
        assertFalse(listener.config().isAutoRead());
        listener.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        listener.runScheduledPendingTasks();
        assertTrue(listener.config().isAutoRead(), "accepting did not resume");
        assertTrue(listener.isOpen());
        assertFalse(gate.failed());
    }

    @Test
    void nioResourceErrorsAreRecognisedByTheirMessage() {
        assertTrue(AcceptGate.isResourceShortage(new IOException("Too many open files")));
        assertTrue(AcceptGate.isResourceShortage(new Errors.NativeIoException("accept", -105))); // ENOBUFS
        assertFalse(AcceptGate.isResourceShortage(new IOException("Bad file descriptor")));
    }

    @Test
    void anErrorThatCannotHealClosesTheListenerAndMarksItFailed() {
        AcceptGate gate = gate();
        gate.onAcceptError(new Errors.NativeIoException("accept", -9)); // EBADF
        assertFalse(listener.isOpen());
        assertTrue(gate.failed());
        assertEquals(1, errors.get());
    }

    @Test
    void theConnectionLimitPausesAcceptingUntilReleasedAndCountsEachPause() {
        AcceptGate gate = gate();
        gate.atLimit(true);
        assertFalse(listener.config().isAutoRead());
        gate.atLimit(true);
        assertEquals(1, pauses.get(), "one pause, however often it is confirmed");
        gate.atLimit(false);
        assertTrue(listener.config().isAutoRead());
    }

    @Test
    void aConnectionAcceptedAtTheLimitPausesAcceptingAndItsCloseResumesIt() {
        limit.limit(1);
        AcceptGate gate = gate();
        EmbeddedChannel child = new EmbeddedChannel();
        gate.accepted(child);
        assertFalse(listener.config().isAutoRead(), "still accepting at the limit");
        assertEquals(1, limit.open());
        child.close();
        listener.runPendingTasks();
        assertEquals(0, limit.open());
        assertTrue(listener.config().isAutoRead(), "accepting did not resume below the limit");
    }
}

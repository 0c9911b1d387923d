package dev.h2fs.files.attack;

import dev.h2fs.transport.loop.Worker;
import dev.h2fs.transport.quarkus.TransportLifecycle;

/** Reads the transport's guard counters (server side), so a test can tell which defence closed a connection. */
final class GuardCounters {

    private GuardCounters() {
    }

    static long requestHeadTimeouts(TransportLifecycle transport) {
        return transport.server().workers().stream().mapToLong(Worker::requestHeadTimeouts).sum();
    }

    static long writeStalls(TransportLifecycle transport) {
        return transport.server().workers().stream().mapToLong(Worker::writeStalls).sum();
    }
}

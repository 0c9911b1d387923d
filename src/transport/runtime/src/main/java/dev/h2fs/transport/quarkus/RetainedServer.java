package dev.h2fs.transport.quarkus;

import dev.h2fs.transport.TransportServer;

/**
 * Dev mode: holds the one {@link TransportServer} that outlives application restarts. A restart asking for the same
 * {@link TransportServer.Key} gets the running server back (loops, listening socket and open connections intact); a
 * restart asking for a different binding closes the old server and opens a new one.
 * <p>
 * Thread: any; methods are synchronized (in practice only the Quarkus start/stop thread calls them).
 */
final class RetainedServer {

    /** Opens a server for a key; {@link TransportServer#open} in production. */
    @FunctionalInterface
    interface Opener {
        TransportServer open(TransportServer.Key key) throws InterruptedException;
    }

    private TransportServer retained;

    /** @return the retained server if its key equals {@code key}, else a newly opened one (the old one closed) */
    synchronized TransportServer acquire(TransportServer.Key key, Opener opener) throws InterruptedException {
        if (retained != null && retained.key().equals(key)) {
            return retained;
        }
        if (retained != null) {
            retained.close();
            retained = null;
        }
        retained = opener.open(key);
        return retained;
    }

    /** Closes and forgets the retained server, if any. */
    synchronized void close() {
        if (retained != null) {
            retained.close();
            retained = null;
        }
    }
}

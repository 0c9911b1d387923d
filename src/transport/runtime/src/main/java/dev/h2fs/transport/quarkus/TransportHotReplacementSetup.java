package dev.h2fs.transport.quarkus;

import io.quarkus.dev.spi.HotReplacementContext;
import io.quarkus.dev.spi.HotReplacementSetup;

/**
 * Dev mode's end: Quarkus calls {@link #close} once the dev-mode session itself ends (not on a live reload), and the
 * transport server kept across reloads is closed with it: its listening socket and its loop threads would otherwise
 * outlive the session (in the IDE's or a test's JVM, one set per session). Found by Quarkus through
 * {@code META-INF/services}, only in dev mode; loaded, like {@link TransportLifecycle}, by the class loader that
 * survives reloads.
 * <p>
 * Thread: Quarkus's dev-mode thread.
 */
public final class TransportHotReplacementSetup implements HotReplacementSetup {

    @Override
    public void setupHotDeployment(HotReplacementContext context) {
        // Nothing to set up: requests held during a reload wait in Quarkus's own hot-replacement route.
    }

    @Override
    public void close() {
        TransportLifecycle.closeDevModeServer();
    }
}

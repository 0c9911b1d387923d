package dev.h2fs.transport.quarkus;

import io.quarkus.arc.Arc;
import io.quarkus.arc.ArcContainer;
import io.quarkus.runtime.shutdown.ShutdownListener;

/**
 * The transport's part in Quarkus's graceful shutdown (registered by the extension through
 * {@code ShutdownListenerBuildItem}, as Quarkus registers its own HTTP graceful-shutdown filter):
 * <ul>
 * <li>pre-shutdown: readiness reports DOWN; Quarkus then waits {@code quarkus.shutdown.delay} while the listener still
 * accepts, so that load balancers stop sending new connections first;</li>
 * <li>shutdown: the drain starts (no new connection; every open one closed gracefully), and Quarkus is told it is done
 * when the last connection has closed or the drain timeout has passed.</li>
 * </ul>
 * Thread: Quarkus's shutdown thread; the drain's completion may report from a worker loop.
 */
public final class TransportShutdownListener implements ShutdownListener {

    @Override
    public void preShutdown(ShutdownNotification notification) {
        try {
            TransportLifecycle lifecycle = lifecycle();
            if (lifecycle != null) {
                lifecycle.beginShutdown();
            }
        } finally {
            notification.done();
        }
    }

    @Override
    public void shutdown(ShutdownNotification notification) {
        TransportLifecycle lifecycle = lifecycle();
        if (lifecycle == null) {
            notification.done();
            return;
        }
        lifecycle.drain().whenComplete((left, failure) -> notification.done());
    }

    private static TransportLifecycle lifecycle() {
        ArcContainer container = Arc.container();
        return container == null || !container.isRunning()
                ? null
                : container.instance(TransportLifecycle.class).get();
    }
}

package dev.h2fs.transport.quarkus;

import java.util.List;

import org.jboss.resteasy.reactive.server.core.Deployment;

import io.quarkus.runtime.RuntimeValue;
import io.quarkus.runtime.annotations.Recorder;
import io.quarkus.runtime.shutdown.ShutdownListener;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

import dev.h2fs.transport.rest.RestFastPath;

/**
 * Run-time objects the extension's build steps hand to Quarkus.
 * <p>
 * Thread: Quarkus's start-up thread.
 */
@Recorder
public class TransportRecorder {

    /**
     * Hands the application's REST deployment to the fast path ({@code RestFastPath}), with what the build found
     * that rules it out and the route filters (CORS, HTTP security) it must run, highest priority first; a filter
     * absent at run time (CORS when disabled) is null.
     */
    public void registerRestDeployment(RuntimeValue<Deployment> deployment, String nonApplicationRoot,
            List<String> buildReasons, List<Handler<RoutingContext>> filters) {
        RestFastPath.register(deployment.getValue(), nonApplicationRoot, buildReasons, filters);
    }

    /** The transport's graceful-shutdown listener. */
    public ShutdownListener shutdownListener() {
        return new TransportShutdownListener();
    }
}

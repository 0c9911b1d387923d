package dev.h2fs.transport;

import java.util.List;

import org.jboss.resteasy.reactive.server.core.Deployment;

import io.quarkus.runtime.RuntimeValue;
import io.quarkus.runtime.annotations.Recorder;
import io.quarkus.runtime.shutdown.ShutdownListener;

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
     * that rules it out.
     */
    public void registerRestDeployment(RuntimeValue<Deployment> deployment, String nonApplicationRoot,
            List<String> buildReasons) {
        RestFastPath.register(deployment.getValue(), nonApplicationRoot, buildReasons);
    }

    /** The transport's graceful-shutdown listener. */
    public ShutdownListener shutdownListener() {
        return new TransportShutdownListener();
    }
}

package dev.h2fs.transport;

import io.quarkus.runtime.annotations.Recorder;
import io.quarkus.runtime.shutdown.ShutdownListener;

/**
 * Run-time objects the extension's build steps hand to Quarkus.
 * <p>
 * Thread: Quarkus's start-up thread.
 */
@Recorder
public class TransportRecorder {

    /** The transport's graceful-shutdown listener. */
    public ShutdownListener shutdownListener() {
        return new TransportShutdownListener();
    }
}

package dev.h2fs.files.auth;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;

/**
 * Says at every start-up, as a WARN, that anyone who can reach the port may overwrite and delete files, when
 * {@code h2fs.files.auth.anonymous-writes=true}.
 * <p>
 * Thread: Quarkus's start-up thread.
 */
@ApplicationScoped
public class AnonymousWritesWarning {

    private static final Logger LOG = Logger.getLogger(AnonymousWritesWarning.class);

    void onStart(@Observes StartupEvent start, AuthConfig config) {
        if (config.anonymousWrites()) {
            LOG.warn("h2fs.files.auth.anonymous-writes=true: anyone who can reach this service may upload, overwrite"
                    + " and delete files without a token; never expose it beyond a trusted network");
        }
    }
}

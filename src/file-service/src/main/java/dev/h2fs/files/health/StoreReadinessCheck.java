package dev.h2fs.files.health;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import dev.h2fs.files.config.FilesConfig;
import dev.h2fs.files.store.FileStore;

/**
 * Ready only while uploads can succeed: the store is a writable directory and its file system has
 * at least {@code h2fs.files.min-free-space} usable.
 *
 * <p>Thread-safe; blocks on the file system (health checks run on worker threads).
 */
@Readiness
@ApplicationScoped
public class StoreReadinessCheck implements HealthCheck {

    private final FileStore store;
    private final long minFreeSpace;

    public StoreReadinessCheck(FileStore store, FilesConfig config) {
        this.store = store;
        this.minFreeSpace = config.minFreeSpace().asLongValue();
    }

    @Override
    public HealthCheckResponse call() {
        Path root = store.root();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("file-store").withData("dir", root.toString())
                .withData("minFreeBytes", minFreeSpace);
        if (!Files.isDirectory(root) || !Files.isWritable(root)) {
            return response.down().withData("reason", "store directory is not writable").build();
        }
        try {
            long usable = Files.getFileStore(root).getUsableSpace();
            response.withData("freeBytes", usable);
            if (usable < minFreeSpace) {
                return response.down().withData("reason", "free space below the floor").build();
            }
        } catch (IOException e) {
            return response.down().withData("reason", "cannot read free space: " + e.getMessage()).build();
        }
        return response.up().build();
    }
}

package dev.h2fs.files.store;

import java.time.Instant;

/**
 * One entry of the store listing.
 *
 * <p>Thread-safe: immutable.
 */
public record StoredFile(String name, long size, Instant lastModified) {
}

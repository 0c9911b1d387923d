package dev.h2fs.files.cache;

import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

import dev.h2fs.files.store.ContentTypes;

/**
 * What the HTTP layer needs to know about a file besides its bytes: size, validators and type.
 * {@code fileKey} (device and inode on Linux) tells a renamed-over file from the old one even when
 * size and mtime happen to match.
 *
 * <p>Thread-safe: immutable.
 */
public record FileMeta(String name, long size, Instant lastModified, Object fileKey, String etag, String contentType,
        String lastModifiedHeader, String sizeHeader) {

    static FileMeta of(String name, BasicFileAttributes attrs) {
        Instant mtime = attrs.lastModifiedTime().toInstant();
        Object key = attrs.fileKey();
        // Strong validator: size, mtime to the nanosecond and the inode; a replaced file changes at least one.
        String etag = "\"" + Long.toHexString(attrs.size()) + "-" + Long.toHexString(mtime.getEpochSecond())
                + Integer.toHexString(mtime.getNano()) + "-" + Integer.toHexString(Objects.hashCode(key)) + "\"";
        // Header values are formatted once per file, not once per response: date formatting is not cheap.
        return new FileMeta(name, attrs.size(), mtime, key, etag, ContentTypes.of(name),
                HttpDates.format(mtime.truncatedTo(ChronoUnit.SECONDS)), Long.toString(attrs.size()));
    }

    /** Last-Modified as HTTP sends it: whole seconds. */
    public Instant lastModifiedSeconds() {
        return lastModified.truncatedTo(ChronoUnit.SECONDS);
    }

    /** True if {@code attrs} describe the same file content as this. */
    boolean sameAs(BasicFileAttributes attrs) {
        return attrs.size() == size && attrs.lastModifiedTime().toInstant().equals(lastModified)
                && Objects.equals(attrs.fileKey(), fileKey);
    }
}

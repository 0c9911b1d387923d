package dev.h2fs.files.upload;

/**
 * One stored file as the upload response lists it.
 *
 * <p>Thread-safe: immutable.
 */
public record UploadedFile(String name, long size, String sha256) {
}

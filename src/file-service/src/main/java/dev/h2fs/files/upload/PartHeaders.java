package dev.h2fs.files.upload;

/**
 * The headers of one multipart part that uploads care about. Thread-safe: immutable.
 *
 * @param name the form field name from {@code Content-Disposition}, or null
 * @param filename the file name from {@code Content-Disposition} ({@code filename*} preferred), or null
 * @param contentType the part's {@code Content-Type}, or null
 */
public record PartHeaders(String name, String filename, String contentType) {
}

package dev.h2fs.files.upload;

/**
 * The buffers one upload reads into and writes from: {@code chunks} of {@code chunkSize} bytes, so an upload holds at
 * most {@code chunks * chunkSize} of its body between the connection and the disk, whatever its size.
 * <p>
 * Thread-safe: immutable.
 *
 * @param chunks buffers per upload, at least 2 (one being read into while another is written)
 * @param chunkSize bytes per buffer; larger than the longest multipart delimiter line
 */
public record UploadLimits(int chunks, int chunkSize) {

    /** Buffers are at most this large: beyond it fewer, larger writes gain nothing measurable. */
    static final int MAX_CHUNK = 256 * 1024;
    /** And at least this large, so that a part header (up to 8 KiB) and a delimiter always fit. */
    static final int MIN_CHUNK = 16 * 1024;

    public UploadLimits {
        if (chunks < 2) {
            throw new IllegalArgumentException("an upload needs at least 2 buffers, was " + chunks);
        }
        if (chunkSize < MIN_CHUNK) {
            throw new IllegalArgumentException("upload buffers must be at least " + MIN_CHUNK + " bytes, was "
                    + chunkSize);
        }
    }

    /**
     * Splits {@code bytes} (at least 32 KiB) into buffers of up to 256 KiB, at least 2 of them.
     */
    public static UploadLimits of(long bytes) {
        if (bytes < 2L * MIN_CHUNK) {
            throw new IllegalArgumentException("h2fs.files.upload.write-buffer must be at least " + 2 * MIN_CHUNK
                    + " bytes, was " + bytes);
        }
        int size = (int) Math.min(MAX_CHUNK, bytes / 2);
        return new UploadLimits((int) Math.min(Integer.MAX_VALUE, bytes / size), size);
    }
}

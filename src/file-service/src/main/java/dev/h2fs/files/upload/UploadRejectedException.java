package dev.h2fs.files.upload;

/**
 * An upload that ended without storing anything. Carries the HTTP status and a reason for the
 * client, and the reason tag under which the failure is counted.
 *
 * <p>Threads: thrown on the upload's worker thread and mapped to a response there.
 */
public final class UploadRejectedException extends Exception {

    private final int status;
    private final String metricReason;

    public UploadRejectedException(int status, String metricReason, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.metricReason = metricReason;
    }

    public int status() {
        return status;
    }

    /** Tag value of {@code h2fs.upload.failures}: malformed, bad_name, too_large, storage_full, aborted, io_error. */
    public String metricReason() {
        return metricReason;
    }
}

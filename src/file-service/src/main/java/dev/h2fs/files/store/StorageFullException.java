package dev.h2fs.files.store;

import java.io.IOException;

/**
 * The store's file system ran out of space (ENOSPC) or quota (EDQUOT) while writing. Answered
 * {@code 507 Insufficient Storage}.
 *
 * <p>Threads: thrown and handled on the upload's worker thread.
 */
public final class StorageFullException extends IOException {

    public StorageFullException(IOException cause) {
        super(cause.getMessage(), cause);
    }

    /**
     * Java reports ENOSPC and EDQUOT only through the message of a plain {@link IOException}
     * (strerror text), so the message is the only thing to go on.
     */
    public static boolean isStorageFull(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && (m.contains("No space left on device") || m.contains("Disk quota exceeded"))) {
                return true;
            }
        }
        return false;
    }
}

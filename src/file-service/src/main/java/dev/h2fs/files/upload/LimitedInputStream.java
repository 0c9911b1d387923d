package dev.h2fs.files.upload;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Fails the read that would take the total past {@code limit}, so a body without a (truthful)
 * Content-Length is cut off as soon as it is too large, not after it was written to disk.
 *
 * <p>Confined to the upload's thread.
 */
final class LimitedInputStream extends FilterInputStream {

    /** Thrown by {@link LimitedInputStream}; the upload maps it to {@code 413}. */
    static final class LimitExceededException extends IOException {
        LimitExceededException(long limit) {
            super("upload exceeds " + limit + " bytes");
        }
    }

    private final long limit;
    private long count;

    LimitedInputStream(InputStream in, long limit) {
        super(in);
        this.limit = limit;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            count += n;
            if (count > limit) {
                throw new LimitExceededException(limit);
            }
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        throw new IOException("skip is not supported");
    }
}

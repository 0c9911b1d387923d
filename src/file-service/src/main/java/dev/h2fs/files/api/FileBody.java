package dev.h2fs.files.api;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.h2fs.files.cache.MappedFile;
import dev.h2fs.files.cache.StreamedFile;

/** A response body taken from a file, written by {@link FileBodyWriter}. */
sealed interface FileBody permits FileBody.Whole, FileBody.Mapped, FileBody.Streamed {

    /** A whole cached file with status 200; the writer sets every header from the file's precomputed values. */
    record Whole(MappedFile file) implements FileBody {
    }

    /** Bytes of a mapping, sent as they are. */
    record Mapped(ByteBuffer bytes) implements FileBody {
    }

    /**
     * {@code length} bytes from {@code offset} of an open file, read in chunks on a worker thread. Its channel has
     * one owner at a time: this body until the writer {@linkplain #take takes} it, and whoever runs
     * {@link #releaseUntaken} first if the writer never does (a client that resets its stream before the body is
     * written): then the channel is closed at the request's end rather than by the garbage collector.
     * <p>
     * Thread-safe: the hand-over is one atomic step.
     */
    final class Streamed implements FileBody {
        private final StreamedFile file;
        private final long offset;
        private final long length;
        private final AtomicBoolean taken = new AtomicBoolean();

        Streamed(StreamedFile file, long offset, long length) {
            this.file = file;
            this.offset = offset;
            this.length = length;
        }

        StreamedFile file() {
            return file;
        }

        long offset() {
            return offset;
        }

        long length() {
            return length;
        }

        /** @return whether the caller now owns the channel (and must close it); true once only */
        boolean take() {
            return taken.compareAndSet(false, true);
        }

        /** Closes the channel if nobody took it. */
        void releaseUntaken() {
            if (take()) {
                file.close();
            }
        }
    }
}

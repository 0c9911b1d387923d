package dev.h2fs.files.api;

import java.nio.ByteBuffer;

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

    /** {@code length} bytes from {@code offset} of an open file, read in chunks on a worker thread. */
    record Streamed(StreamedFile file, long offset, long length) implements FileBody {
    }
}

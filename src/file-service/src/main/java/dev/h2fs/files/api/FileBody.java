package dev.h2fs.files.api;

import java.nio.ByteBuffer;

import dev.h2fs.files.cache.StreamedFile;

/** A response body taken from a file, written by {@link FileBodyWriter}. */
sealed interface FileBody permits FileBody.Mapped, FileBody.Streamed {

    /** Bytes of a mapping, sent as they are. */
    record Mapped(ByteBuffer bytes) implements FileBody {
    }

    /** {@code length} bytes from {@code offset} of an open file, read in chunks on a worker thread. */
    record Streamed(StreamedFile file, long offset, long length) implements FileBody {
    }
}

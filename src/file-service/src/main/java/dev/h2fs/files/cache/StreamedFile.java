package dev.h2fs.files.cache;

import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * A file too large to map, open for positional reads. The open channel pins the inode, so a
 * concurrent rename or delete does not change what this response sends. The response that
 * receives it owns the channel and must close it.
 *
 * <p>Thread-safe: positional {@link FileChannel#read(java.nio.ByteBuffer, long)} does not use the
 * channel position.
 */
public record StreamedFile(FileMeta meta, FileChannel channel, int chunkSize) implements FileContent {

    /** Closes the channel. Never throws: it runs on end-of-response and failure paths alike. */
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // a read-only channel has nothing pending
        }
    }
}

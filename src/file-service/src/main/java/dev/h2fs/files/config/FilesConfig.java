package dev.h2fs.files.config;

import java.nio.file.Path;
import java.time.Duration;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Settings of the file service: where files live, how uploads are bounded and how the mmap cache
 * behaves. Every key is under {@code h2fs.files}; environment variables follow the Quarkus rules
 * ({@code H2FS_FILES_DIR}), and {@code FILES_DIR} is honoured through {@code application.properties}.
 *
 * <p>Thread-safe: an immutable view, read by any thread.
 */
@ConfigMapping(prefix = "h2fs.files")
public interface FilesConfig {

    /** The store directory; created at start-up if missing. Default {@code data} (relative to the working directory). */
    @WithDefault("data")
    Path dir();

    /**
     * Largest accepted upload request body (all parts together), in bytes. A larger upload is
     * answered {@code 413} and nothing it sent is kept. Default {@code 1G}.
     */
    @WithDefault("1G")
    MemorySize maxUploadSize();

    /**
     * Readiness reports DOWN while the store's file system has less usable space than this.
     * Default {@code 64M}.
     */
    @WithDefault("64M")
    MemorySize minFreeSpace();

    /**
     * Temp files of interrupted uploads (a crash, a kill -9) older than this are removed at start-up.
     * Younger ones may belong to another replica sharing the store, so they are left alone. Default {@code 1h}.
     */
    @WithDefault("1h")
    Duration staleUploadAge();

    /** The mmap file cache. */
    Cache cache();

    /** How much of an upload's body is held between the connection and the disk. */
    Upload upload();

    /** Settings of {@code UploadService}: its memory per upload, whatever the upload's size. */
    interface Upload {

        /**
         * Body bytes received but not yet read by the upload that make the connection stop receiving that body
         * (HTTP/1.1: the socket is not read; HTTP/2: the stream gets no more flow-control credit) until the upload
         * has read half of them. Larger lets the client send on while the upload waits for the disk. Default
         * {@code 1M}.
         */
        @WithDefault("1M")
        MemorySize receiveBuffer();

        /**
         * Body bytes read and hashed but not yet written to the temp file, in buffers of up to 256 KiB (at least two):
         * the upload reads and hashes the next bytes while the previous ones are written on a thread of their own.
         * At least {@code 32K}. Default {@code 2M}.
         */
        @WithDefault("2M")
        MemorySize writeBuffer();
    }

    /** Settings of {@code FileCache}. */
    interface Cache {

        /**
         * Upper bound of the bytes the cache keeps mapped; least recently used files are dropped
         * beyond it. Default {@code 256M}.
         */
        @WithDefault("256M")
        MemorySize maxMappedBytes();

        /**
         * Files larger than this are not mapped but streamed from disk in chunks of
         * {@link #streamChunkSize()}. Default {@code 16M}.
         */
        @WithDefault("16M")
        MemorySize maxMappedFileSize();

        /**
         * Fresh mappings up to this size are pre-faulted (read into memory) on the loading thread so
         * that serving a hit never stalls an I/O thread on a page fault. Default {@code 4M}.
         */
        @WithDefault("4M")
        MemorySize prefaultMaxSize();

        /** Chunk size for files streamed instead of mapped. Default {@code 256K}. */
        @WithDefault("256K")
        MemorySize streamChunkSize();

        /**
         * Heap that all streamed downloads together may hold in chunks read but not yet taken by their clients
         * (each holds at most one). A download that finds it spent waits for a chunk to be taken somewhere; mapped
         * files are not affected. Must be at least {@link #streamChunkSize()}. Default {@code 64M} (256 chunks).
         */
        @WithDefault("64M")
        MemorySize streamBufferBudget();

        /**
         * Longest time a streamed download's client may take to take one chunk ({@link #streamChunkSize()}) once it
         * was sent; the response is then reset (HTTP/2: RST_STREAM, HTTP/1.1: the connection is closed) and its chunk
         * goes back to {@link #streamBufferBudget()}. With the defaults a client must take at least ~4 KiB/s; one
         * that holds a stream nearly still (one-byte flow-control windows) is cut off. {@code 0S} disables it.
         * Default {@code 60S}.
         */
        @WithDefault("60S")
        Duration streamStallTimeout();

        /**
         * How often cached entries are compared with the disk (size, mtime, file key) so that
         * changes made outside this process are noticed. Default {@code 2s}.
         */
        @WithDefault("2s")
        Duration revalidateInterval();
    }
}

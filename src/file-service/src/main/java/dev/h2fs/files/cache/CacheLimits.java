package dev.h2fs.files.cache;

import java.time.Duration;

import dev.h2fs.files.config.FilesConfig;

/**
 * The numbers {@link FileCache} works with, apart from the config interface so that unit tests
 * can build a cache without Quarkus.
 *
 * <p>Thread-safe: immutable.
 */
public record CacheLimits(long maxMappedBytes, long maxMappedFileSize, long prefaultMaxSize, int streamChunkSize,
        Duration revalidateInterval) {

    public CacheLimits {
        if (maxMappedBytes < 0 || maxMappedFileSize < 0 || prefaultMaxSize < 0) {
            throw new IllegalArgumentException("cache sizes must not be negative");
        }
        if (streamChunkSize < 4096) {
            throw new IllegalArgumentException("h2fs.files.cache.stream-chunk-size must be at least 4K");
        }
        if (revalidateInterval.isNegative() || revalidateInterval.isZero()) {
            throw new IllegalArgumentException("h2fs.files.cache.revalidate-interval must be positive");
        }
    }

    public static CacheLimits from(FilesConfig.Cache c) {
        return new CacheLimits(c.maxMappedBytes().asLongValue(), c.maxMappedFileSize().asLongValue(),
                c.prefaultMaxSize().asLongValue(), (int) Math.min(Integer.MAX_VALUE, c.streamChunkSize().asLongValue()),
                c.revalidateInterval());
    }

    /** Largest file that is mapped: no single file may take more than the whole budget. */
    long mappableSize() {
        return Math.min(Math.min(maxMappedBytes, maxMappedFileSize), Integer.MAX_VALUE);
    }
}

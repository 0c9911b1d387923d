package dev.h2fs.files.cache;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * A file mapped read-only into memory. The mapping is never unmapped explicitly: it goes away
 * when the garbage collector finds no buffer still pointing at it. So a response that holds a
 * {@link #slice} keeps the bytes valid after the cache evicted or invalidated this entry; there is
 * no window in which a response reads unmapped memory.
 *
 * <p>Thread-safe: the shared buffer is never read through its own position; every reader gets its
 * own slice.
 */
public final class MappedFile implements FileContent {

    private final FileMeta meta;
    private final Path path;
    private final ByteBuffer mapping;
    private volatile Object encodedHead;

    MappedFile(FileMeta meta, Path path, ByteBuffer mapping) {
        this.meta = meta;
        this.path = path;
        this.mapping = mapping.asReadOnlyBuffer();
    }

    @Override
    public FileMeta meta() {
        return meta;
    }

    /** An independent read-only view of {@code length} bytes from {@code offset}. */
    public ByteBuffer slice(long offset, long length) {
        return mapping.slice(Math.toIntExact(offset), Math.toIntExact(length));
    }

    /**
     * The response head as the HTTP layer encodes it, derived from {@link #meta()} once and kept with the mapping: a
     * changed file gets a new mapping, so it can never go stale. Callers that race on the first use may each derive
     * it; any of their results is as good as another. There is one caller, so one type.
     */
    @SuppressWarnings("unchecked")
    public <T> T encodedHead(Function<FileMeta, T> encode) {
        Object head = encodedHead;
        if (head == null) {
            head = encode.apply(meta);
            encodedHead = head;
        }
        return (T) head;
    }

    /** Where the file was loaded from; revalidation compares it with the disk. */
    Path path() {
        return path;
    }
}

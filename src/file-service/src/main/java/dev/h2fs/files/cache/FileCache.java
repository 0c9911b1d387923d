package dev.h2fs.files.cache;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.BlockingOperationNotAllowedException;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.vertx.core.Context;

/**
 * The mmap file cache. Small files are mapped read-only once, pre-faulted, and served from the
 * mapping; files above the mappable size are opened for streaming and not cached.
 *
 * <p>Bounds: a Caffeine cache weighted by file size holds at most {@code maxMappedBytes} mapped;
 * beyond that its size policy (W-TinyLFU: recency and frequency, so a scan of one-off files does not
 * flush the hot ones) evicts, in amortised O(1) work, without scanning the entries. Evicted and
 * invalidated mappings are not unmapped by force (see {@link MappedFile}): responses still sending
 * them keep them alive until the GC.
 *
 * <p>One load per file: the cache holds the load in flight as a future, so concurrent misses of one
 * name wait for one mapping instead of each mapping the file.
 *
 * <p>Freshness: this process's renames and deletes {@link #invalidate} the one name at once, a load
 * in flight for it included (its caller still gets what it opened, which was current then, but it is
 * not kept); changes made by anyone else (another replica on a shared volume, an operator) are
 * noticed by a periodic {@link #revalidate} that compares size, mtime and file key.
 *
 * <p>Threads: {@link #getIfCached} is safe on any thread and never touches the disk, so I/O threads
 * call it. {@link #load} and {@link #revalidate} block on the file system: worker threads only.
 */
// Caffeine instantiates the cache class its builder options name (SSMW: strong keys and values, maximum weight) by
// reflection; Quarkus's Caffeine extension registers only a fixed list of common ones, which lacks it (a native
// executable failed at start-up with ClassNotFoundException: ...SSMW). NativeReflectionRegistrationsTest reads the
// names off a built cache.
@RegisterForReflection(classNames = "com.github.benmanes.caffeine.cache.SSMW")
public final class FileCache implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(FileCache.class);
    /** Retries when the file is replaced between our stat and our open. */
    private static final int LOAD_ATTEMPTS = 3;

    private final CacheLimits limits;
    /**
     * Name to mapping. A future that completes with {@code null} (the file is too large to map) or
     * exceptionally is dropped by Caffeine itself; an incomplete one weighs nothing.
     */
    private final AsyncCache<String, MappedFile> mappings;
    private final Counter hits;
    private final Counter misses;
    private final Counter evictions;
    private final Counter mapped;
    /** Called with each name once its file is open, before it is mapped: where tests land a race. */
    private final Consumer<String> afterOpen;
    private ScheduledExecutorService revalidator;

    public FileCache(CacheLimits limits, MeterRegistry registry) {
        this(limits, registry, name -> {
        });
    }

    FileCache(CacheLimits limits, MeterRegistry registry, Consumer<String> afterOpen) {
        this.limits = limits;
        this.afterOpen = afterOpen;
        this.hits = Counter.builder("h2fs.cache.hits").description("GETs served from a cached mapping")
                .register(registry);
        this.misses = Counter.builder("h2fs.cache.misses").description("GETs that had to go to disk")
                .register(registry);
        this.evictions = Counter.builder("h2fs.cache.evictions")
                .description("Mappings dropped to stay within h2fs.files.cache.max-mapped-bytes").register(registry);
        this.mapped = Counter.builder("h2fs.cache.mappings")
                .description("Files mapped; concurrent misses of one file share one mapping").register(registry);
        this.mappings = Caffeine.newBuilder()
                .maximumWeight(limits.maxMappedBytes())
                .weigher((String name, MappedFile file) -> Math.toIntExact(file.meta().size()))
                .evictionListener((String name, MappedFile file, RemovalCause cause) -> {
                    if (cause.wasEvicted()) {
                        evictions.increment();
                    }
                })
                // Maintenance (eviction, weight accounting) on the calling thread, amortised and
                // under a try-lock, rather than on the common pool: nothing in it blocks.
                .executor(Runnable::run)
                .buildAsync();
        Gauge.builder("h2fs.cache.mapped.bytes", this, FileCache::mappedBytes).baseUnit("bytes")
                .description("Bytes currently held mapped by the cache").register(registry);
        Gauge.builder("h2fs.cache.entries", this, FileCache::size).description("Files currently cached")
                .register(registry);
    }

    /** Starts the periodic revalidation thread. */
    public void start() {
        revalidator = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "h2fs-cache-revalidator");
            t.setDaemon(true);
            return t;
        });
        long period = limits.revalidateInterval().toMillis();
        revalidator.scheduleWithFixedDelay(this::revalidateQuietly, period, period, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        if (revalidator != null) {
            revalidator.shutdownNow();
        }
        mappings.synchronous().invalidateAll();
    }

    /** The cached mapping of {@code name}, or null (also while its load is still in flight). Never blocks. */
    public MappedFile getIfCached(String name) {
        CompletableFuture<MappedFile> future = mappings.getIfPresent(name);
        if (future == null || !future.isDone() || future.isCompletedExceptionally()) {
            return null;
        }
        MappedFile file = future.getNow(null);
        if (file != null) {
            hits.increment();
        }
        return file;
    }

    /**
     * Opens {@code path} (the resolved location of {@code name}): maps and caches it if it is small
     * enough, or opens it for streaming. A load of the same name already in flight is waited for
     * rather than repeated. Blocks on the disk, so it refuses to run on an I/O thread, where a slow
     * disk would stall every connection that thread serves.
     *
     * @throws NoSuchFileException if the file vanished meanwhile
     * @throws BlockingOperationNotAllowedException if called on an I/O thread
     */
    public FileContent load(String name, Path path) throws IOException {
        if (Context.isOnEventLoopThread()) {
            throw new BlockingOperationNotAllowedException("file cache load of " + name + " on an I/O thread");
        }
        misses.increment();
        CompletableFuture<MappedFile> mine = new CompletableFuture<>();
        CompletableFuture<MappedFile> shared = mappings.get(name, (key, executor) -> mine);
        if (shared != mine) {
            MappedFile loaded = awaitOthers(shared);
            if (loaded != null) {
                return loaded;
            }
            // Theirs was too large to map, or failed: open our own (a stream needs its own channel
            // anyway), without caching, so a failing file is not retried in a loop.
            return open(name, path, null);
        }
        try {
            return open(name, path, mine);
        } finally {
            // A mapping has completed it already. Anything else (a streamed file, a failure) completes it
            // with null, which drops the entry and sends its waiters to open their own: not exceptionally,
            // which Caffeine would log as a failed load, for every 404.
            mine.complete(null);
        }
    }

    private static MappedFile awaitOthers(CompletableFuture<MappedFile> shared) throws IOException {
        try {
            return shared.get();
        } catch (ExecutionException notExpected) {
            return null; // loads complete with null when they fail; treat anything else the same
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for another load of the same file");
        }
    }

    /** Opens the file; a mapping is handed to {@code publish} (the cache's future), if there is one. */
    private FileContent open(String name, Path path, CompletableFuture<MappedFile> publish) throws IOException {
        for (int attempt = 1;; attempt++) {
            BasicFileAttributes before = Files.readAttributes(path, BasicFileAttributes.class);
            FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
            boolean keepOpen = false;
            try {
                BasicFileAttributes after = Files.readAttributes(path, BasicFileAttributes.class);
                if (channel.size() != before.size() || !FileMeta.of(name, before).sameAs(after)) {
                    // Replaced or still being written by someone else between stat and open: the
                    // channel may not hold the inode we stat'ed. Try again for a consistent view.
                    if (attempt < LOAD_ATTEMPTS) {
                        continue;
                    }
                    throw new IOException("file keeps changing while being opened: " + name);
                }
                FileMeta meta = FileMeta.of(name, after);
                afterOpen.accept(name);
                if (meta.size() > limits.mappableSize()) {
                    keepOpen = true;
                    return new StreamedFile(meta, channel, limits.streamChunkSize());
                }
                MappedFile file = new MappedFile(meta, path, map(channel, meta.size()));
                mapped.increment();
                if (publish != null) {
                    publish.complete(file);
                }
                return file;
            } finally {
                if (!keepOpen) {
                    channel.close(); // a mapping stays valid after its channel is closed
                }
            }
        }
    }

    private ByteBuffer map(FileChannel channel, long size) throws IOException {
        if (size == 0) {
            return ByteBuffer.allocate(0);
        }
        MappedByteBuffer buffer = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
        if (size <= limits.prefaultMaxSize()) {
            // Fault every page in here, on a worker thread, rather than on the I/O thread while
            // the kernel copies the response out of the mapping.
            buffer.load();
        }
        return buffer;
    }

    /**
     * Forgets {@code name} at once, a load in flight for it too; called after this process renamed
     * over or deleted it. Other names, and their loads, are not touched.
     */
    public void invalidate(String name) {
        mappings.synchronous().invalidate(name);
    }

    /**
     * Compares every entry with the disk and drops those whose size, mtime or file key changed or
     * whose file is gone. Blocks on the disk.
     *
     * @return how many entries were dropped
     */
    public int revalidate() {
        int dropped = 0;
        for (Map.Entry<String, CompletableFuture<MappedFile>> e : mappings.asMap().entrySet()) {
            CompletableFuture<MappedFile> future = e.getValue();
            MappedFile file = future.isDone() && !future.isCompletedExceptionally() ? future.getNow(null) : null;
            if (file == null) {
                continue; // in flight: it is being opened from the disk right now
            }
            boolean current;
            try {
                current = file.meta().sameAs(Files.readAttributes(file.path(), BasicFileAttributes.class));
            } catch (IOException gone) {
                current = false;
            }
            if (!current && mappings.asMap().remove(e.getKey(), future)) {
                dropped++;
            }
        }
        return dropped;
    }

    private void revalidateQuietly() {
        try {
            int dropped = revalidate();
            if (dropped > 0) {
                LOG.debugf("revalidation dropped %d changed files", dropped);
            }
        } catch (RuntimeException e) {
            // keep the schedule alive: one bad pass must not end revalidation for good
            LOG.warn("cache revalidation failed", e);
        }
    }

    /** Bytes currently held mapped by the cache (pending evictions applied first). */
    public long mappedBytes() {
        mappings.synchronous().cleanUp();
        return mappings.synchronous().policy().eviction().orElseThrow().weightedSize().orElse(0);
    }

    /** Number of cached files, loads in flight included. */
    public long size() {
        mappings.synchronous().cleanUp();
        return mappings.synchronous().estimatedSize();
    }
}

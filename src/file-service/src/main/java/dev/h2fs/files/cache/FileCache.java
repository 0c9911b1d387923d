package dev.h2fs.files.cache;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.BlockingOperationNotAllowedException;
import io.vertx.core.Context;

/**
 * The mmap file cache. Small files are mapped read-only once, pre-faulted, and served from the
 * mapping; files above the mappable size are opened for streaming and not cached.
 *
 * <p>Bounds: at most {@code maxMappedBytes} are held mapped by the cache; inserting beyond that
 * evicts the least recently used entries. Evicted and invalidated mappings are not unmapped by
 * force (see {@link MappedFile}): responses still sending them keep them alive until the GC.
 *
 * <p>Freshness: this process's renames and deletes {@link #invalidate} at once; changes made by
 * anyone else (another replica on a shared volume, an operator) are noticed by a periodic
 * {@link #revalidate} that compares size, mtime and file key.
 *
 * <p>Threads: {@link #getIfCached} is safe on any thread and never touches the disk, so I/O threads
 * call it. {@link #load} and {@link #revalidate} block on the file system: worker threads only.
 */
public final class FileCache implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(FileCache.class);
    /** Retries when the file is replaced between our stat and our open. */
    private static final int LOAD_ATTEMPTS = 3;

    private final CacheLimits limits;
    private final LongSupplier clock;
    private final ConcurrentHashMap<String, MappedFile> entries = new ConcurrentHashMap<>();
    /** Bumped by every invalidation, so a load that raced with one does not cache stale bytes. */
    private final AtomicLong generation = new AtomicLong();
    private final AtomicLong mappedBytes = new AtomicLong();
    private final Object insertLock = new Object();
    private final Counter hits;
    private final Counter misses;
    private final Counter evictions;
    private ScheduledExecutorService revalidator;

    public FileCache(CacheLimits limits, MeterRegistry registry) {
        this(limits, registry, System::nanoTime);
    }

    FileCache(CacheLimits limits, MeterRegistry registry, LongSupplier clock) {
        this.limits = limits;
        this.clock = clock;
        this.hits = Counter.builder("h2fs.cache.hits").description("GETs served from a cached mapping")
                .register(registry);
        this.misses = Counter.builder("h2fs.cache.misses").description("GETs that had to go to disk")
                .register(registry);
        this.evictions = Counter.builder("h2fs.cache.evictions")
                .description("Mappings dropped to stay within h2fs.files.cache.max-mapped-bytes").register(registry);
        Gauge.builder("h2fs.cache.mapped.bytes", mappedBytes, AtomicLong::get).baseUnit("bytes")
                .description("Bytes currently held mapped by the cache").register(registry);
        Gauge.builder("h2fs.cache.entries", entries, Map::size).description("Files currently cached")
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
        entries.clear();
        mappedBytes.set(0);
    }

    /** The cached mapping of {@code name}, or null. Never blocks. */
    public MappedFile getIfCached(String name) {
        MappedFile file = entries.get(name);
        if (file != null) {
            file.touch(clock.getAsLong());
            hits.increment();
        }
        return file;
    }

    /**
     * Opens {@code path} (the resolved location of {@code name}): maps and caches it if it is small
     * enough, or opens it for streaming. Blocks on the disk, so it refuses to run on an I/O thread, where a slow
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
        long startGeneration = generation.get();
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
                if (meta.size() > limits.mappableSize()) {
                    keepOpen = true;
                    return new StreamedFile(meta, channel, limits.streamChunkSize());
                }
                MappedFile mapped = new MappedFile(meta, path, map(channel, meta.size()), clock.getAsLong());
                insert(name, mapped, startGeneration);
                return mapped;
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

    private void insert(String name, MappedFile file, long startGeneration) {
        synchronized (insertLock) {
            MappedFile old = entries.put(name, file);
            if (old != null) {
                mappedBytes.addAndGet(-old.meta().size());
            }
            mappedBytes.addAndGet(file.meta().size());
            evictOver(file);
            if (generation.get() != startGeneration) {
                // An invalidation ran while we loaded: what we mapped may be the old file. Serve
                // it to this one caller (it was current when opened) but do not keep it.
                removeEntry(name, file);
            }
        }
    }

    /** Drops least recently used entries (never {@code keep}) until within the mapped-bytes bound. */
    private void evictOver(MappedFile keep) {
        while (mappedBytes.get() > limits.maxMappedBytes()) {
            Map.Entry<String, MappedFile> oldest = null;
            for (Map.Entry<String, MappedFile> e : entries.entrySet()) {
                if (e.getValue() != keep && (oldest == null || e.getValue().lastAccess() < oldest.getValue().lastAccess())) {
                    oldest = e;
                }
            }
            if (oldest == null) {
                return;
            }
            if (removeEntry(oldest.getKey(), oldest.getValue())) {
                evictions.increment();
            }
        }
    }

    private boolean removeEntry(String name, MappedFile file) {
        if (entries.remove(name, file)) {
            mappedBytes.addAndGet(-file.meta().size());
            return true;
        }
        return false;
    }

    /** Forgets {@code name} at once; called after this process renamed over or deleted it. */
    public void invalidate(String name) {
        generation.incrementAndGet();
        synchronized (insertLock) {
            MappedFile old = entries.get(name);
            if (old != null) {
                removeEntry(name, old);
            }
        }
    }

    /**
     * Compares every entry with the disk and drops those whose size, mtime or file key changed or
     * whose file is gone. Blocks on the disk.
     *
     * @return how many entries were dropped
     */
    public int revalidate() {
        int dropped = 0;
        for (Map.Entry<String, MappedFile> e : entries.entrySet()) {
            MappedFile file = e.getValue();
            boolean current;
            try {
                current = file.meta().sameAs(Files.readAttributes(file.path(), BasicFileAttributes.class));
            } catch (IOException gone) {
                current = false;
            }
            if (!current) {
                synchronized (insertLock) {
                    if (removeEntry(e.getKey(), file)) {
                        dropped++;
                    }
                }
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

    /** Bytes currently held mapped by the cache. */
    public long mappedBytes() {
        return mappedBytes.get();
    }

    /** Number of cached files. */
    public int size() {
        return entries.size();
    }
}

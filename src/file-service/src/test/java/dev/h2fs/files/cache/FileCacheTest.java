package dev.h2fs.files.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.h2fs.files.TestFiles;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.runtime.BlockingOperationNotAllowedException;
import io.vertx.core.Vertx;

class FileCacheTest {

    @TempDir
    Path dir;

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private FileCache cache;

    @BeforeEach
    void setUp() {
        cache = cache(10_000, 4_000);
    }

    @AfterEach
    void tearDown() {
        cache.close();
    }

    private FileCache cache(long maxMapped, long maxFile) {
        return new FileCache(new CacheLimits(maxMapped, maxFile, maxFile, 4096, Duration.ofSeconds(1)), registry,
                clock::get);
    }

    private Path write(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    private static byte[] read(MappedFile file) {
        ByteBuffer b = file.slice(0, file.meta().size());
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    /** Advances the fake clock past the touch granularity so LRU order is observable. */
    private void tick() {
        clock.addAndGet(10_000_000L);
    }

    @Test
    void loadMapsAndCachesSmallFiles() throws IOException {
        byte[] content = TestFiles.bytes(3000, 1);
        Path p = write("a", content);
        MappedFile loaded = assertInstanceOf(MappedFile.class, cache.load("a", p));
        assertArrayEquals(content, read(loaded));
        assertSame(loaded, cache.getIfCached("a"));
        assertEquals(3000, cache.mappedBytes());
        assertEquals(1, registry.get("h2fs.cache.hits").counter().count());
        assertEquals(1, registry.get("h2fs.cache.misses").counter().count());
    }

    @Test
    void filesAboveTheMappableSizeAreStreamedAndNotCached() throws IOException {
        Path p = write("big", TestFiles.bytes(5000, 2));
        StreamedFile streamed = assertInstanceOf(StreamedFile.class, cache.load("big", p));
        try {
            assertEquals(5000, streamed.channel().size());
            assertNull(cache.getIfCached("big"));
            assertEquals(0, cache.mappedBytes());
        } finally {
            streamed.channel().close();
        }
    }

    @Test
    void leastRecentlyUsedIsEvictedToStayWithinTheBound() throws IOException {
        cache.load("a", write("a", new byte[4000]));
        tick();
        cache.load("b", write("b", new byte[4000]));
        tick();
        assertNotNull(cache.getIfCached("a")); // a is now more recent than b
        tick();
        cache.load("c", write("c", new byte[4000])); // 12000 > 10000: one must go, and it is b
        assertNull(cache.getIfCached("b"));
        assertNotNull(cache.getIfCached("a"));
        assertNotNull(cache.getIfCached("c"));
        assertEquals(8000, cache.mappedBytes());
        assertEquals(1, registry.get("h2fs.cache.evictions").counter().count());
    }

    @Test
    void mappedBytesNeverExceedTheBoundUnderManyInserts() throws IOException {
        for (int i = 0; i < 50; i++) {
            cache.load("f" + i, write("f" + i, new byte[1000 + i * 50]));
            tick();
            assertEquals(true, cache.mappedBytes() <= 10_000, "mapped " + cache.mappedBytes());
        }
    }

    @Test
    void invalidateDropsTheEntryAtOnce() throws IOException {
        cache.load("a", write("a", new byte[100]));
        cache.invalidate("a");
        assertNull(cache.getIfCached("a"));
        assertEquals(0, cache.mappedBytes());
    }

    @Test
    void revalidateNoticesAnOutsideReplacementAndDeletion() throws IOException {
        cache.load("a", write("a", TestFiles.bytes(100, 3)));
        cache.load("b", write("b", TestFiles.bytes(100, 4)));
        assertEquals(0, cache.revalidate());

        // Another process replaces a by rename (same size, new inode) and deletes b.
        Path tmp = write("tmp", TestFiles.bytes(100, 5));
        Files.move(tmp, dir.resolve("a"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Files.delete(dir.resolve("b"));

        assertEquals(2, cache.revalidate());
        assertNull(cache.getIfCached("a"));
        assertNull(cache.getIfCached("b"));
    }

    @Test
    void revalidateNoticesAnInPlaceMtimeChange() throws IOException {
        Path p = write("a", new byte[10]);
        cache.load("a", p);
        Files.setLastModifiedTime(p, FileTime.fromMillis(Files.getLastModifiedTime(p).toMillis() - 60_000));
        assertEquals(1, cache.revalidate());
    }

    @Test
    void mappingStaysReadableAfterEvictionAndInvalidationWhileInUse() throws IOException {
        byte[] content = TestFiles.bytes(4000, 6);
        MappedFile inUse = (MappedFile) cache.load("a", write("a", content));
        ByteBuffer responseView = inUse.slice(0, 4000); // what an in-flight response holds
        cache.invalidate("a");
        Files.delete(dir.resolve("a"));
        for (int i = 0; i < 10; i++) {
            cache.load("x" + i, write("x" + i, new byte[4000])); // churn: evictions galore
            tick();
        }
        System.gc();
        byte[] out = new byte[4000];
        responseView.get(out);
        assertArrayEquals(content, out);
    }

    @Test
    void loadRacingAnInvalidationDoesNotCacheTheOldFile() throws IOException {
        // The invalidation lands while the file is being loaded: simulated by bumping the
        // generation from the clock, which load reads after it captured the generation.
        Path p = write("a", new byte[100]);
        AtomicLong calls = new AtomicLong();
        FileCache racing = new FileCache(new CacheLimits(10_000, 4_000, 4_000, 4096, Duration.ofSeconds(1)),
                new SimpleMeterRegistry(), () -> {
                    if (calls.incrementAndGet() == 1) {
                        racingInvalidate.run();
                    }
                    return 0L;
                });
        racingInvalidate = () -> racing.invalidate("a");
        MappedFile served = (MappedFile) racing.load("a", p);
        assertEquals(100, served.meta().size()); // the caller still gets its bytes
        assertNull(racing.getIfCached("a")); // but they are not kept
        assertEquals(0, racing.mappedBytes());
        racing.close();
    }

    private Runnable racingInvalidate = () -> { };

    @Test
    void loadRefusesToBlockAVertxEventLoop() throws Exception {
        Path file = write("a", new byte[] { 1, 2, 3 });
        Vertx vertx = Vertx.vertx();
        try {
            CompletableFuture<Throwable> outcome = new CompletableFuture<>();
            vertx.runOnContext(ignored -> {
                try {
                    cache.load("a", file);
                    outcome.complete(null);
                } catch (Throwable t) {
                    outcome.complete(t);
                }
            });
            assertInstanceOf(BlockingOperationNotAllowedException.class, outcome.get(10, TimeUnit.SECONDS));
            assertNull(cache.getIfCached("a"));
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void loadOfAMissingFileThrowsNoSuchFile() {
        assertThrows(NoSuchFileException.class, () -> cache.load("nope", dir.resolve("nope")));
    }

    @Test
    void emptyFilesAreCachedWithoutAMapping() throws IOException {
        MappedFile empty = (MappedFile) cache.load("e", write("e", new byte[0]));
        assertEquals(0, empty.slice(0, 0).remaining());
    }
}

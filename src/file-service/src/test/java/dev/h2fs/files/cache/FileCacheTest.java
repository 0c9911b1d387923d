package dev.h2fs.files.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.runtime.BlockingOperationNotAllowedException;
import io.vertx.core.Vertx;

import dev.h2fs.files.TestFiles;

class FileCacheTest {

    @TempDir
    Path dir;

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
        return new FileCache(limits(maxMapped, maxFile), registry);
    }

    private static CacheLimits limits(long maxMapped, long maxFile) {
        return new CacheLimits(maxMapped, maxFile, maxFile, 4096, Duration.ofSeconds(1));
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
    void evictionKeepsMappedBytesWithinTheBoundAndIsCounted() throws IOException {
        for (int i = 0; i < 50; i++) {
            cache.load("f" + i, write("f" + i, new byte[1000 + i * 50]));
            assertTrue(cache.mappedBytes() <= 10_000, "mapped " + cache.mappedBytes());
        }
        assertTrue(cache.size() < 50, "nothing evicted");
        assertEquals(50 - cache.size(), (long) registry.get("h2fs.cache.evictions").counter().count());
        assertEquals(50, registry.get("h2fs.cache.mappings").counter().count());
    }

    @Test
    void aHotFileSurvivesAScanOfOneOffFiles() throws IOException {
        // LRU would flush the hot file after a few one-off loads; the size policy weighs how often it is read.
        cache.load("hot", write("hot", new byte[2000]));
        cache.load("warm", write("warm", new byte[2000]));
        for (int i = 0; i < 20; i++) {
            assertNotNull(cache.getIfCached("hot"));
        }
        for (int i = 0; i < 30; i++) {
            cache.load("scan" + i, write("scan" + i, new byte[2000]));
            cache.getIfCached("hot");
        }
        assertNotNull(cache.getIfCached("hot"), "the hot file was evicted by a scan");
        assertTrue(cache.mappedBytes() <= 10_000, "mapped " + cache.mappedBytes());
    }

    @Test
    void concurrentMissesOfOneFileShareOneMapping() throws Exception {
        byte[] content = TestFiles.bytes(3000, 7);
        Path p = write("shared", content);
        CountDownLatch othersStarted = new CountDownLatch(1);
        FileCache slow = new FileCache(limits(10_000, 4_000), registry, name -> {
            try {
                othersStarted.await(10, TimeUnit.SECONDS); // hold the first load open while the others miss
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        ExecutorService pool = Executors.newFixedThreadPool(100);
        try {
            List<Future<FileContent>> loads = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                loads.add(pool.submit(() -> slow.load("shared", p)));
            }
            othersStarted.countDown();
            Set<FileContent> distinct = new HashSet<>();
            for (Future<FileContent> load : loads) {
                distinct.add(load.get(30, TimeUnit.SECONDS));
            }
            assertEquals(1, distinct.size(), "every miss got the same mapping");
            assertArrayEquals(content, read((MappedFile) distinct.iterator().next()));
            assertEquals(1, registry.get("h2fs.cache.mappings").counter().count());
            assertEquals(100, registry.get("h2fs.cache.misses").counter().count());
        } finally {
            pool.shutdownNow();
            slow.close();
        }
    }

    @Test
    void concurrentMissesOfAStreamedFileEachGetTheirOwnChannel() throws Exception {
        Path p = write("big", TestFiles.bytes(5000, 8));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<FileContent>> loads = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                loads.add(pool.submit(() -> cache.load("big", p)));
            }
            Set<Object> channels = new HashSet<>();
            for (Future<FileContent> load : loads) {
                StreamedFile streamed = assertInstanceOf(StreamedFile.class, load.get(30, TimeUnit.SECONDS));
                assertTrue(streamed.channel().isOpen());
                channels.add(streamed.channel());
                streamed.channel().close();
            }
            assertEquals(8, channels.size());
            assertEquals(0, cache.size());
        } finally {
            pool.shutdownNow();
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
        }
        System.gc();
        byte[] out = new byte[4000];
        responseView.get(out);
        assertArrayEquals(content, out);
    }

    @Test
    void loadRacingAnInvalidationDoesNotCacheTheOldFile() throws IOException {
        // The invalidation lands after the file was opened, before the load completes.
        Path p = write("a", new byte[100]);
        FileCache[] racing = new FileCache[1];
        racing[0] = new FileCache(limits(10_000, 4_000), new SimpleMeterRegistry(), name -> racing[0].invalidate("a"));
        MappedFile served = (MappedFile) racing[0].load("a", p);
        assertEquals(100, served.meta().size()); // the caller still gets its bytes
        assertNull(racing[0].getIfCached("a")); // but they are not kept
        assertEquals(0, racing[0].mappedBytes());
        racing[0].close();
    }

    @Test
    void invalidatingOneNameLeavesAnotherNamesLoadInFlightAlone() throws IOException {
        Path p = write("a", new byte[100]);
        FileCache[] racing = new FileCache[1];
        racing[0] = new FileCache(limits(10_000, 4_000), new SimpleMeterRegistry(), name -> racing[0].invalidate("b"));
        racing[0].load("a", p);
        assertNotNull(racing[0].getIfCached("a"), "an upload of b discarded the load of a");
        racing[0].close();
    }

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

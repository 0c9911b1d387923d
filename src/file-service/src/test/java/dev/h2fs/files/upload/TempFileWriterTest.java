package dev.h2fs.files.upload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.h2fs.files.TestFiles;

class TempFileWriterTest {

    private final ExecutorService threads = Executors.newCachedThreadPool();

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    @Test
    void runsAreHashedAndWrittenInOrderAndEveryBufferComesBack() throws Exception {
        UploadChunks chunks = new UploadChunks(2, 16 * 1024);
        Path file = dir.resolve("out");
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            TempFileWriter writer = new TempFileWriter(channel, sha256(), threads);
            for (int round = 0; round < 50; round++) {
                UploadChunks.Chunk chunk = chunks.take();
                byte[] content = TestFiles.bytes(chunk.bytes.length, round);
                System.arraycopy(content, 0, chunk.bytes, 0, content.length);
                // Two runs that continue each other (handed over as one), then one after a gap.
                writer.write(chunk, 0, 1000);
                writer.write(chunk, 1000, 3000);
                writer.write(chunk, 5000, 100);
                expected.write(content, 0, 4000);
                expected.write(content, 5000, 100);
                chunk.release(); // the reader's own hold; the writer's go when written
            }
            writer.finish();
            assertArrayEquals(sha256().digest(expected.toByteArray()), writer.sha256());
            writer.abort(); // after finish: returns at once
        }
        assertArrayEquals(expected.toByteArray(), Files.readAllBytes(file));
        chunks.takeFree();
        chunks.takeFree(); // both buffers are back: none is still held
    }

    @Test
    void aFailedWriteFailsTheUploadAndReleasesItsBuffers() throws Exception {
        UploadChunks chunks = new UploadChunks(2, 16 * 1024);
        FileChannel channel = FileChannel.open(dir.resolve("out"), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE);
        channel.close();
        TempFileWriter writer = new TempFileWriter(channel, sha256(), threads);
        UploadChunks.Chunk chunk = chunks.take();
        writer.write(chunk, 0, 100);
        chunk.release();
        assertThrows(ClosedChannelException.class, writer::finish);
        writer.abort();
        chunks.takeFree();
        chunks.takeFree();
    }

    private static MessageDigest sha256() throws NoSuchAlgorithmException {
        return MessageDigest.getInstance("SHA-256");
    }
}

package dev.h2fs.files.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

/**
 * The store directory. Files are never written in place: an upload goes to a temp file
 * ({@link StagedFile}) that is fsynced and then renamed over the final name, so a reader (and any
 * mapping of the old file) sees the old bytes or the new bytes in full, never a mix.
 *
 * <p>Temp files are named {@code .~upload-<instance>-<thread>-<counter>}: the {@code ~} is not a
 * legal {@link FileName} character, so they can never be listed, served or overwritten by name.
 *
 * <p>Thread-safe. Every method does blocking file-system calls: never call it on an I/O thread.
 */
public final class FileStore {

    private static final Logger LOG = Logger.getLogger(FileStore.class);
    static final String TEMP_PREFIX = ".~upload-";

    private final Path root;
    private final Consumer<FileName> onChange;
    private final String instance = Long.toHexString(ProcessHandle.current().pid());
    private final AtomicLong tempCounter = new AtomicLong();

    /**
     * @param dir the store directory, created if missing
     * @param onChange told of every name this process replaces or deletes, after the change
     */
    public FileStore(Path dir, Consumer<FileName> onChange) {
        try {
            Files.createDirectories(dir);
            this.root = dir.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use store directory " + dir.toAbsolutePath(), e);
        }
        this.onChange = onChange;
    }

    /** The store directory, as a real path (no symlinks). */
    public Path root() {
        return root;
    }

    /**
     * The real path of {@code name} if it is a regular file inside the store. A symlink is followed
     * only when its target is inside the store too; one pointing outside is treated as absent.
     */
    public Optional<Path> locate(FileName name) {
        Path candidate = root.resolve(name.value());
        try {
            Path real = candidate.toRealPath();
            if (!real.startsWith(root) || !Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
                return Optional.empty();
            }
            return Optional.of(real);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            LOG.debugf(e, "cannot resolve %s", candidate);
            return Optional.empty();
        }
    }

    /** Every servable file, sorted by name. Temp files and names that are not valid are left out. */
    public List<StoredFile> list() throws IOException {
        List<StoredFile> out = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
            for (Path entry : entries) {
                Optional<FileName> name = FileName.parse(entry.getFileName().toString());
                if (name.isEmpty()) {
                    continue;
                }
                Optional<Path> real = locate(name.get());
                if (real.isEmpty()) {
                    continue;
                }
                try {
                    BasicFileAttributes attrs = Files.readAttributes(real.get(), BasicFileAttributes.class);
                    out.add(new StoredFile(name.get().value(), attrs.size(), attrs.lastModifiedTime().toInstant()));
                } catch (NoSuchFileException e) {
                    // deleted between the directory read and the stat: simply not listed
                }
            }
        }
        out.sort(Comparator.comparing(StoredFile::name));
        return out;
    }

    /** Removes {@code name}; false if there was no such file. A symlink is removed, never its target. */
    public boolean delete(FileName name) throws IOException {
        Path path = root.resolve(name.value());
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        boolean deleted = Files.deleteIfExists(path);
        if (deleted) {
            onChange.accept(name);
        }
        return deleted;
    }

    /** Creates an empty temp file in the store, to be filled and then {@link StagedFile#commit committed}. */
    public StagedFile stage() throws IOException {
        Path temp = root.resolve(TEMP_PREFIX + instance + "-" + Thread.currentThread().getId() + "-"
                + tempCounter.incrementAndGet());
        FileChannel channel;
        try {
            channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw StorageFullException.isStorageFull(e) ? new StorageFullException(e) : e;
        }
        return new StagedFile(temp, channel);
    }

    /**
     * Removes temp files left by a crashed process. Only those older than {@code minAge}: younger
     * ones may be uploads in progress in another replica that shares this store.
     *
     * @return how many were removed
     */
    public int removeStaleTempFiles(java.time.Duration minAge) {
        Instant cutoff = Instant.now().minus(minAge);
        int removed = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root, TEMP_PREFIX + "*")) {
            for (Path entry : entries) {
                try {
                    BasicFileAttributes attrs = Files.readAttributes(entry, BasicFileAttributes.class,
                            LinkOption.NOFOLLOW_LINKS);
                    if (attrs.isRegularFile() && attrs.lastModifiedTime().toInstant().isBefore(cutoff)
                            && Files.deleteIfExists(entry)) {
                        removed++;
                    }
                } catch (IOException e) {
                    LOG.warnf("cannot remove stale upload temp file %s: %s", entry, e.getMessage());
                }
            }
        } catch (IOException e) {
            LOG.warnf("cannot scan %s for stale upload temp files: %s", root, e.getMessage());
        }
        return removed;
    }

    /**
     * A temp file being written by one upload. Confined to the thread that runs the upload.
     * Either {@link #commit} or {@link #discard} ends it; {@code discard} after {@code commit} does nothing.
     */
    public final class StagedFile implements AutoCloseable {
        private final Path temp;
        private final FileChannel channel;
        private boolean synced;
        private boolean done;

        private StagedFile(Path temp, FileChannel channel) {
            this.temp = temp;
            this.channel = channel;
        }

        /** The channel to write the content to. */
        public FileChannel channel() {
            return channel;
        }

        /**
         * Makes the content durable: fsync the data and close the channel. Space and I/O errors (ENOSPC at fsync on
         * file systems that allocate late, EIO) surface here, before anything is visible; the temp file is then
         * deleted. Calling it again does nothing.
         */
        public void sync() throws IOException {
            if (synced) {
                return;
            }
            try {
                channel.force(true);
                channel.close();
                synced = true;
            } catch (IOException e) {
                discard();
                throw StorageFullException.isStorageFull(e) ? new StorageFullException(e) : e;
            }
        }

        /**
         * Makes the content durable ({@link #sync}) and visible under {@code name}: rename over the old file (atomic
         * on POSIX), then fsync the directory so the rename survives a crash. On failure the temp file is deleted
         * and the old file stays as it was.
         */
        public void commit(FileName name) throws IOException {
            sync();
            Path target = root.resolve(name.value());
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                done = true;
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("store file system cannot rename atomically", e);
            } catch (IOException e) {
                throw StorageFullException.isStorageFull(e) ? new StorageFullException(e) : e;
            } finally {
                if (!done) {
                    discard();
                }
            }
            onChange.accept(name);
            syncDirectory();
        }

        /** Deletes the temp file. Never throws: it runs on failure paths. */
        public void discard() {
            if (done) {
                return;
            }
            done = true;
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing a write channel we are about to delete: nothing to save
            }
            try {
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                LOG.warnf("cannot delete upload temp file %s: %s", temp, e.getMessage());
            }
        }

        @Override
        public void close() {
            discard();
        }

        private void syncDirectory() {
            try (FileChannel dir = FileChannel.open(root, StandardOpenOption.READ)) {
                dir.force(true);
            } catch (IOException e) {
                // the rename itself succeeded; some file systems refuse fsync on a directory
                LOG.debugf("fsync of %s failed: %s", root, e.getMessage());
            }
        }
    }
}

package dev.h2fs.files.upload;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Executor;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import dev.h2fs.files.store.FileName;
import dev.h2fs.files.store.FileStore;
import dev.h2fs.files.store.StorageFullException;

/**
 * Stores the {@code file} parts of a {@code multipart/form-data} body. Each part streams into its
 * own temp file in the store while its SHA-256 is computed; only when the whole body has been read
 * without error are the temp files renamed into place, in order. Any failure deletes every temp
 * file of the request and leaves all previous content intact. Parts with another field name are
 * read past and ignored.
 *
 * <p>The work of one upload overlaps: the request's thread reads the body (which the connection keeps receiving
 * meanwhile) and finds the part boundaries, and hands each run of bytes, not copied, to a {@link TempFileWriter}
 * that hashes and writes it on a thread of its own. The buffers between them are a fixed set per upload
 * ({@link UploadLimits}), so memory does not grow with the size of the upload: when the disk is slower than the
 * client, the reader waits for a buffer and the connection stops receiving.
 *
 * <p>Thread-safe; {@link #upload} blocks and must run on a worker thread.
 */
public final class UploadService {

    /** The form field that carries files. */
    public static final String FIELD = "file";

    private final FileStore store;
    private final long maxUploadSize;
    private final UploadLimits limits;
    private final Executor writers;
    private final MeterRegistry registry;
    private final Counter uploads;
    private final Counter uploadBytes;

    /**
     * @param limits the buffers of one upload
     * @param writers runs each upload's {@link TempFileWriter} loop; must start a thread for each (a pool that queues
     *        would leave an upload waiting on a writer that never starts)
     */
    public UploadService(FileStore store, long maxUploadSize, UploadLimits limits, Executor writers,
            MeterRegistry registry) {
        this.store = store;
        this.maxUploadSize = maxUploadSize;
        this.limits = limits;
        this.writers = writers;
        this.registry = registry;
        this.uploads = Counter.builder("h2fs.uploads").description("Files stored by uploads").register(registry);
        this.uploadBytes = Counter.builder("h2fs.upload.bytes").baseUnit("bytes")
                .description("Bytes of files stored by uploads").register(registry);
    }

    /**
     * Reads the whole body and stores its files.
     *
     * @param contentLength the declared body length, or -1 if unknown (chunked, HTTP/2 without it)
     * @return the stored files, in body order
     * @throws UploadRejectedException with the status to answer; nothing was stored
     */
    public List<UploadedFile> upload(String contentType, long contentLength, InputStream body)
            throws UploadRejectedException {
        try {
            return doUpload(contentType, contentLength, body);
        } catch (UploadRejectedException e) {
            Counter.builder("h2fs.upload.failures").tag("reason", e.metricReason())
                    .description("Uploads that stored nothing, by reason").register(registry).increment();
            throw e;
        }
    }

    private List<UploadedFile> doUpload(String contentType, long contentLength, InputStream body)
            throws UploadRejectedException {
        String boundary;
        try {
            boundary = MultipartReader.boundary(contentType);
        } catch (MalformedMultipartException e) {
            throw new UploadRejectedException(400, "malformed", e.getMessage(), e);
        }
        if (contentLength > maxUploadSize) {
            throw tooLarge(maxUploadSize, null);
        }
        MultipartReader reader = new MultipartReader(new LimitedInputStream(body, maxUploadSize), boundary,
                new UploadChunks(limits.chunks(), limits.chunkSize()));
        List<FileStore.StagedFile> staged = new ArrayList<>();
        List<FileName> names = new ArrayList<>();
        List<UploadedFile> result = new ArrayList<>();
        try {
            PartHeaders part;
            while ((part = readNextPart(reader)) != null) {
                if (!FIELD.equals(part.name())) {
                    continue; // not a file field: nextPart skips its body
                }
                FileName name = validName(part);
                FileStore.StagedFile file = stage();
                staged.add(file);
                names.add(name);
                result.add(copy(reader, file, name));
            }
            if (staged.isEmpty()) {
                throw new UploadRejectedException(400, "malformed", "no part named '" + FIELD + "' with a filename",
                        null);
            }
            // All or nothing as far as the file system lets us: every file is made durable before the first
            // rename, so a full disk or an I/O error fails the request with nothing stored. A rename that still
            // fails midway cannot take back the ones before it: the answer then names what was stored.
            for (FileStore.StagedFile file : staged) {
                sync(file);
            }
            for (int i = 0; i < staged.size(); i++) {
                try {
                    staged.get(i).commit(names.get(i));
                } catch (IOException e) {
                    throw commitFailure(e, names.subList(0, i), names.subList(i, names.size()));
                }
            }
        } finally {
            reader.release();
            staged.forEach(FileStore.StagedFile::discard); // no-op for those committed
        }
        for (UploadedFile f : result) {
            uploads.increment();
            uploadBytes.increment(f.size());
        }
        return result;
    }

    private PartHeaders readNextPart(MultipartReader reader) throws UploadRejectedException {
        try {
            return reader.nextPart();
        } catch (IOException e) {
            throw readFailure(e, maxUploadSize);
        }
    }

    private static FileName validName(PartHeaders part) throws UploadRejectedException {
        if (part.filename() == null || part.filename().isEmpty()) {
            throw new UploadRejectedException(400, "bad_name", "part '" + FIELD + "' has no filename", null);
        }
        String problem = FileName.problem(part.filename());
        if (problem != null) {
            throw new UploadRejectedException(400, "bad_name", "invalid filename: " + problem, null);
        }
        return new FileName(part.filename());
    }

    private FileStore.StagedFile stage() throws UploadRejectedException {
        try {
            return store.stage();
        } catch (IOException e) {
            throw writeFailure(e);
        }
    }

    /** Streams the current part into {@code file}: scanned here, hashed and written by a {@link TempFileWriter}. */
    private UploadedFile copy(MultipartReader reader, FileStore.StagedFile file, FileName name)
            throws UploadRejectedException {
        TempFileWriter writer;
        try {
            writer = new TempFileWriter(file.channel(), sha256(), writers);
        } catch (IOException e) {
            throw writeFailure(e);
        }
        long size = 0;
        try {
            while (true) {
                int n;
                try {
                    n = reader.readRun();
                } catch (IOException e) {
                    throw readFailure(e, maxUploadSize);
                }
                if (n < 0) {
                    break;
                }
                try {
                    writer.write(reader.runChunk(), reader.runOffset(), n);
                } catch (IOException e) {
                    throw writeFailure(e);
                }
                size += n;
            }
            try {
                writer.finish();
            } catch (IOException e) {
                throw writeFailure(e);
            }
        } finally {
            writer.abort(); // returns at once after finish; otherwise stops the writes before the file is discarded
        }
        return new UploadedFile(name.value(), size, HexFormat.of().formatHex(writer.sha256()));
    }

    private static void sync(FileStore.StagedFile file) throws UploadRejectedException {
        try {
            file.sync();
        } catch (IOException e) {
            throw writeFailure(e);
        }
    }

    /** A rename failed: nothing of this request was stored, or the answer names what was. */
    private static UploadRejectedException commitFailure(IOException e, List<FileName> stored,
            List<FileName> notStored) {
        UploadRejectedException failure = writeFailure(e);
        if (stored.isEmpty()) {
            return failure;
        }
        return new UploadRejectedException(failure.status(), failure.metricReason(),
                failure.getMessage() + "; stored: " + names(stored) + "; not stored: " + names(notStored), e);
    }

    private static String names(List<FileName> names) {
        return String.join(", ", names.stream().map(FileName::value).toList());
    }

    /** A failure reading the request: the client's framing, its size, or the connection. */
    private static UploadRejectedException readFailure(IOException e, long limit) {
        if (e instanceof MalformedMultipartException) {
            return new UploadRejectedException(400, "malformed", e.getMessage(), e);
        }
        if (e instanceof LimitedInputStream.LimitExceededException) {
            return tooLarge(limit, e);
        }
        return new UploadRejectedException(400, "aborted", "upload aborted: " + e.getMessage(), e);
    }

    /** A failure writing the store. */
    private static UploadRejectedException writeFailure(IOException e) {
        if (e instanceof StorageFullException || StorageFullException.isStorageFull(e)) {
            return new UploadRejectedException(507, "storage_full", "insufficient storage for the upload", e);
        }
        return new UploadRejectedException(500, "io_error", "cannot store the upload", e);
    }

    private static UploadRejectedException tooLarge(long limit, Throwable cause) {
        return new UploadRejectedException(413, "too_large", "upload larger than the limit of " + limit + " bytes",
                cause);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}

package dev.h2fs.files.api;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;

import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.Provider;

import org.jboss.resteasy.reactive.server.core.ServerSerialisers;
import org.jboss.resteasy.reactive.server.spi.ResteasyReactiveResourceInfo;
import org.jboss.resteasy.reactive.server.spi.ServerHttpResponse;
import org.jboss.resteasy.reactive.server.spi.ServerMessageBodyWriter;
import org.jboss.resteasy.reactive.server.spi.ServerRequestContext;

import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;

import dev.h2fs.files.cache.FileMeta;
import dev.h2fs.files.config.FilesConfig;
import dev.h2fs.transport.body.ResponseBodies;

/**
 * Writes {@link FileBody} responses without copying mapped bytes: the mapping is handed to the
 * transport ({@link ResponseBodies}), whichever path carries the response (the transport's REST fast
 * path or Vert.x's HTTP server), and the kernel reads it straight from the page cache. The buffer
 * handed over holds a reference to the mapping, which keeps it mapped until the bytes are written
 * (see {@code MappedFile}). JAX-RS response filters apply on every path: their headers go out with
 * the file's.
 *
 * <p>Threads: called by Quarkus REST on the request's thread (I/O thread for a cache hit, a worker
 * after a miss).
 */
@Provider
@Produces("*/*")
public final class FileBodyWriter implements ServerMessageBodyWriter<FileBody> {

    private static final CharSequence BYTES = HttpHeaders.createOptimized("bytes");

    private final StreamBuffers buffers;
    private final Vertx vertx;
    private final long streamStallMillis;

    public FileBodyWriter(StreamBuffers buffers, Vertx vertx, FilesConfig config) {
        this.buffers = buffers;
        this.vertx = vertx;
        this.streamStallMillis = config.cache().streamStallTimeout().toMillis();
    }

    @Override
    public boolean isWriteable(Class<?> type, Type genericType, ResteasyReactiveResourceInfo target,
            MediaType mediaType) {
        return FileBody.class.isAssignableFrom(type);
    }

    @Override
    public void writeResponse(FileBody body, Type genericType, ServerRequestContext context) {
        ServerHttpResponse response = context.serverResponse();
        if (body instanceof FileBody.Whole whole) {
            // The file's own headers, formatted once per file, are set after Quarkus REST's (which the pre-commit
            // listener copies from the JAX-RS response just before the head goes out): a negotiated Content-Type
            // must not replace the file's, while headers a response filter added still go out.
            Head head = whole.file().encodedHead(Head::of);
            response.setPreCommitListener(request -> {
                ServerSerialisers.encodeResponseHeaders(request);
                ServerHttpResponse committing = request.serverResponse();
                committing.setResponseHeader(HttpHeaders.CONTENT_TYPE, head.contentType());
                committing.setResponseHeader(HttpHeaders.CONTENT_LENGTH, head.length());
                committing.setResponseHeader(HttpHeaders.ETAG, head.etag());
                committing.setResponseHeader(HttpHeaders.LAST_MODIFIED, head.lastModified());
                committing.setResponseHeader(HttpHeaders.ACCEPT_RANGES, BYTES);
            });
            ResponseBodies.endWith(context, whole.file().slice(0, head.size()));
        } else if (body instanceof FileBody.Mapped mapped) {
            ResponseBodies.endWith(context, mapped.bytes());
        } else if (body instanceof FileBody.Streamed streamed) {
            if (!streamed.take()) {
                // the request ended before its body could be written; the channel is closed
                ResponseBodies.reset(context, StreamedBodySender.CANCEL);
                return;
            }
            new StreamedBodySender(context, streamed, Infrastructure.getDefaultWorkerPool(), buffers,
                    new StallTimer(vertx, streamStallMillis)).start();
        }
    }

    /**
     * A cached file's header values in Vert.x's optimized form (ASCII bytes with their hash computed once): the
     * HTTP/2 header encoder hashes and compares every value on every response, which costs less on these than on
     * strings. Kept with the mapping (see {@code MappedFile.encodedHead}).
     */
    record Head(long size, CharSequence contentType, CharSequence length, CharSequence etag,
            CharSequence lastModified) {

        static Head of(FileMeta meta) {
            return new Head(meta.size(), HttpHeaders.createOptimized(meta.contentType()),
                    HttpHeaders.createOptimized(meta.sizeHeader()), HttpHeaders.createOptimized(meta.etag()),
                    HttpHeaders.createOptimized(meta.lastModifiedHeader()));
        }
    }

    @Override
    public boolean isWriteable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return FileBody.class.isAssignableFrom(type);
    }

    /** The generic JAX-RS path (used only if a filter forces an output stream): copies. */
    @Override
    public void writeTo(FileBody body, Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType,
            MultivaluedMap<String, Object> httpHeaders, OutputStream out) throws IOException {
        if (body instanceof FileBody.Whole || body instanceof FileBody.Mapped) {
            ByteBuffer bytes = body instanceof FileBody.Whole whole
                    ? whole.file().slice(0, whole.file().meta().size())
                    : ((FileBody.Mapped) body).bytes().duplicate();
            byte[] chunk = new byte[Math.min(64 * 1024, Math.max(1, bytes.remaining()))];
            while (bytes.hasRemaining()) {
                int n = Math.min(chunk.length, bytes.remaining());
                bytes.get(chunk, 0, n);
                out.write(chunk, 0, n);
            }
        } else if (body instanceof FileBody.Streamed streamed) {
            if (!streamed.take()) {
                throw new IOException("the request ended before its body could be written");
            }
            try (var channel = streamed.file().channel()) {
                ByteBuffer chunk = ByteBuffer.allocate(streamed.file().chunkSize());
                long pos = streamed.offset();
                long end = streamed.offset() + streamed.length();
                while (pos < end) {
                    chunk.clear().limit((int) Math.min(chunk.capacity(), end - pos));
                    int n = channel.read(chunk, pos);
                    if (n < 0) {
                        throw new IOException("file shorter than its recorded size");
                    }
                    out.write(chunk.array(), 0, n);
                    pos += n;
                }
            }
        }
    }
}

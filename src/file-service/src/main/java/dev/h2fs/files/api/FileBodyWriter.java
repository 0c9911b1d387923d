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

import org.jboss.resteasy.reactive.server.spi.ResteasyReactiveResourceInfo;
import org.jboss.resteasy.reactive.server.spi.ServerHttpRequest;
import org.jboss.resteasy.reactive.server.spi.ServerMessageBodyWriter;
import org.jboss.resteasy.reactive.server.spi.ServerRequestContext;

import io.netty.buffer.Unpooled;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;

import dev.h2fs.files.cache.FileMeta;
import dev.h2fs.files.config.FilesConfig;

/**
 * Writes {@link FileBody} responses without copying mapped bytes: the mapping is wrapped, not
 * copied, into the buffer handed to Vert.x, and the kernel reads it straight from the page cache.
 *
 * <p>This is the file service's only use of a Netty type: Vert.x 4 can wrap foreign memory in a
 * {@link Buffer} only through a Netty {@code ByteBuf}. The wrapper holds a reference to the
 * mapping, which keeps it mapped until the bytes are written (see {@code MappedFile}).
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
        HttpServerResponse response = ((ServerHttpRequest) context.serverResponse()).unwrap(HttpServerResponse.class);
        if (body instanceof FileBody.Whole whole) {
            // The hot path sets every header itself, from values formatted once per file. Quarkus REST would
            // otherwise copy its JAX-RS headers over ours just before the head goes out (the pre-commit
            // listener), including a negotiated Content-Type in place of the file's own.
            context.serverResponse().setPreCommitListener(null);
            Head head = whole.file().encodedHead(Head::of);
            MultiMap headers = response.headers();
            headers.set(HttpHeaders.CONTENT_TYPE, head.contentType());
            headers.set(HttpHeaders.CONTENT_LENGTH, head.length());
            headers.set(HttpHeaders.ETAG, head.etag());
            headers.set(HttpHeaders.LAST_MODIFIED, head.lastModified());
            headers.set(HttpHeaders.ACCEPT_RANGES, BYTES);
            response.end(Buffer.buffer(Unpooled.wrappedBuffer(whole.file().slice(0, head.size()))));
        } else if (body instanceof FileBody.Mapped mapped) {
            response.end(Buffer.buffer(Unpooled.wrappedBuffer(mapped.bytes())));
        } else if (body instanceof FileBody.Streamed streamed) {
            if (!streamed.take()) {
                response.reset(); // the request ended before its body could be written; the channel is closed
                return;
            }
            new StreamedBodySender(response, streamed, Infrastructure.getDefaultWorkerPool(), buffers,
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

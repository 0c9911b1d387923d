package dev.h2fs.files.api;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import dev.h2fs.files.cache.FileContent;
import dev.h2fs.files.cache.FileMeta;
import dev.h2fs.files.cache.MappedFile;
import dev.h2fs.files.cache.StreamedFile;

/**
 * Turns a file and the request's conditional and range headers into a response: validators,
 * length, type, and a {@link FileBody} for GET.
 *
 * <p>Thread-safe: stateless. A {@link StreamedFile} passed in is owned from then on: its channel
 * is closed here when no body will read it.
 */
final class FileResponses {

    private FileResponses() {
    }

    /**
     * The answer to a GET: for a cached file and a request without conditional or range headers (the hot
     * path) a bare {@link FileBody.Whole}, whose writer sets the headers itself, sparing the JAX-RS
     * {@code Response} and its header maps; otherwise a {@code Response}.
     */
    static Object forGet(FileContent content, HttpHeaders request) {
        if (content instanceof MappedFile mapped && request.getHeaderString(HttpHeaders.IF_NONE_MATCH) == null
                && request.getHeaderString(HttpHeaders.IF_MODIFIED_SINCE) == null
                && request.getHeaderString("Range") == null) {
            return new FileBody.Whole(mapped);
        }
        return build(content, request, false);
    }

    static Response build(FileContent content, HttpHeaders request, boolean head) {
        FileMeta meta = content.meta();
        Conditions.Outcome outcome = Conditions.evaluate(meta, request.getHeaderString(HttpHeaders.IF_NONE_MATCH),
                request.getHeaderString(HttpHeaders.IF_MODIFIED_SINCE), request.getHeaderString("Range"),
                request.getHeaderString("If-Range"));
        Response.ResponseBuilder response;
        long first = 0;
        long length = meta.size();
        if (outcome instanceof Conditions.NotModified) {
            response = Response.notModified();
            length = -1;
        } else if (outcome instanceof Conditions.Unsatisfiable) {
            response = Response.status(416).header("Content-Range", "bytes */" + meta.size());
            length = -1;
        } else if (outcome instanceof Conditions.Partial partial) {
            first = partial.first();
            length = partial.length();
            response = Response.status(206)
                    .header("Content-Range", "bytes " + partial.first() + "-" + partial.last() + "/" + meta.size());
        } else {
            response = Response.ok();
        }
        response.header(HttpHeaders.ETAG, meta.etag())
                .header(HttpHeaders.LAST_MODIFIED, meta.lastModifiedHeader())
                .header("Accept-Ranges", "bytes");
        if (length < 0) {
            release(content);
            return response.build();
        }
        response.header(HttpHeaders.CONTENT_TYPE, meta.contentType())
                .header(HttpHeaders.CONTENT_LENGTH, length);
        if (head) {
            release(content);
            return response.build();
        }
        if (content instanceof MappedFile mapped) {
            return response.entity(new FileBody.Mapped(mapped.slice(first, length))).build();
        }
        return response.entity(new FileBody.Streamed((StreamedFile) content, first, length)).build();
    }

    private static void release(FileContent content) {
        if (content instanceof StreamedFile streamed) {
            streamed.close();
        }
    }
}

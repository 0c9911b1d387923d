package dev.h2fs.files.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.h2fs.files.cache.FileCache;
import dev.h2fs.files.cache.FileContent;
import dev.h2fs.files.cache.MappedFile;
import dev.h2fs.files.store.FileName;
import dev.h2fs.files.store.FileStore;
import dev.h2fs.files.store.StoredFile;
import dev.h2fs.files.upload.UploadRejectedException;
import dev.h2fs.files.upload.UploadService;
import dev.h2fs.files.upload.UploadedFile;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * The file API. GET and HEAD are non-blocking: a cache hit is answered on the I/O thread that owns
 * the connection; a miss does its disk work (resolve, stat, map) on a worker thread. Upload,
 * listing and delete are blocking methods and run on workers.
 *
 * <p>Names are matched as one raw path segment and decoded afterwards, so an encoded slash,
 * backslash or NUL reaches {@link FileName} validation and is answered 400.
 */
@Path("/files")
public class FilesResource {

    private final FileStore store;
    private final FileCache cache;
    private final UploadService uploads;

    public FilesResource(FileStore store, FileCache cache, UploadService uploads) {
        this.store = store;
        this.cache = cache;
        this.uploads = uploads;
    }

    /** The upload response body. */
    public record UploadResult(List<UploadedFile> files) {
    }

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Produces(MediaType.APPLICATION_JSON)
    @Blocking
    public Response upload(@HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
            @HeaderParam(HttpHeaders.CONTENT_LENGTH) String contentLength, InputStream body)
            throws UploadRejectedException {
        List<UploadedFile> stored = uploads.upload(contentType, parseLength(contentLength), body);
        return Response.status(Response.Status.CREATED)
                .header(HttpHeaders.LOCATION, "/files/" + stored.get(0).name())
                .entity(new UploadResult(stored))
                .build();
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Blocking
    public List<StoredFile> list() throws IOException {
        return store.list();
    }

    @GET
    @Path("{name}")
    public Uni<Object> get(@PathParam("name") String name, HttpHeaders headers) {
        return serve(name, content -> FileResponses.forGet(content, headers));
    }

    @HEAD
    @Path("{name}")
    public Uni<Object> head(@PathParam("name") String name, HttpHeaders headers) {
        return serve(name, content -> FileResponses.build(content, headers, true));
    }

    @DELETE
    @Path("{name}")
    @Blocking
    public Response delete(@PathParam("name") String name) throws IOException {
        String problem = FileName.problem(name);
        if (problem != null) {
            return Responses.text(Response.Status.BAD_REQUEST, problem);
        }
        return store.delete(new FileName(name)) ? Response.noContent().build()
                : Responses.text(Response.Status.NOT_FOUND, "no such file: " + name);
    }

    /**
     * GET and HEAD alike: validate the name, answer a cache hit here on the I/O thread, or resolve and
     * open (or map) a miss on a worker thread, never on the I/O thread.
     */
    private Uni<Object> serve(String rawName, Function<FileContent, Object> respond) {
        String problem = FileName.problem(rawName);
        if (problem != null) {
            return Uni.createFrom().item(Responses.text(Response.Status.BAD_REQUEST, problem));
        }
        MappedFile hit = cache.getIfCached(rawName);
        if (hit != null) {
            return Uni.createFrom().item(respond.apply(hit));
        }
        FileName name = new FileName(rawName);
        return Uni.createFrom().item(() -> load(name))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .map(content -> content.isEmpty()
                        ? Responses.text(Response.Status.NOT_FOUND, "no such file: " + name)
                        : respond.apply(content.get()));
    }

    /** Blocking: resolve and open (or map) the file. */
    private Optional<FileContent> load(FileName name) {
        Optional<java.nio.file.Path> path = store.locate(name);
        if (path.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(cache.load(name.value(), path.get()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long parseLength(String header) {
        if (header == null) {
            return -1;
        }
        try {
            return Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}

package dev.h2fs.files.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.Optional;

import jakarta.annotation.security.RolesAllowed;
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

import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.jboss.resteasy.reactive.server.core.CurrentRequestManager;
import org.jboss.resteasy.reactive.server.core.ResteasyReactiveRequestContext;

import io.smallrye.common.annotation.Blocking;
import io.smallrye.common.annotation.NonBlocking;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

import dev.h2fs.files.cache.FileCache;
import dev.h2fs.files.cache.FileContent;
import dev.h2fs.files.cache.MappedFile;
import dev.h2fs.files.config.FilesConfig;
import dev.h2fs.files.store.FileName;
import dev.h2fs.files.store.FileStore;
import dev.h2fs.files.store.StoredFile;
import dev.h2fs.files.upload.UploadRejectedException;
import dev.h2fs.files.upload.UploadService;
import dev.h2fs.files.upload.UploadedFile;
import dev.h2fs.transport.body.RequestBodies;
import dev.h2fs.transport.body.RequestBodyStream;

/**
 * The file API. GET and HEAD are non-blocking: a cache hit is answered synchronously on the I/O
 * thread that owns the connection; a miss does its disk work (resolve, stat, map) on a worker
 * thread (see {@link #loadMiss}). Upload, listing and delete are blocking methods and run on workers.
 *
 * <p>Writes need the configured write role ({@code @RolesAllowed}, which anonymous writes satisfy through
 * {@code dev.h2fs.files.auth.AnonymousWriters}); reads need the read role when one is set
 * ({@code dev.h2fs.files.auth.FileAccess}). Both are checked by Quarkus Security before a method runs.
 *
 * <p>Names are matched as one raw path segment and decoded afterwards, so an encoded slash,
 * backslash or NUL reaches {@link FileName} validation and is answered 400.
 */
@Path("/files")
public class FilesResource {

    /** The role writes need: {@code h2fs.files.auth.write-role} (see {@code dev.h2fs.files.auth}). */
    static final String WRITE_ROLE = "${h2fs.files.auth.write-role:files-writer}";

    /** What the metrics record for a request abandoned before it was served (nginx's 499); never sent. */
    static final int CLIENT_CLOSED_REQUEST = 499;

    private final FileStore store;
    private final FileCache cache;
    private final UploadService uploads;
    private final long receiveBuffer;

    public FilesResource(FileStore store, FileCache cache, UploadService uploads, FilesConfig config) {
        this.store = store;
        this.cache = cache;
        this.uploads = uploads;
        this.receiveBuffer = config.upload().receiveBuffer().asLongValue();
    }

    /** The upload response body. Thread-safe: immutable. */
    public record UploadResult(List<UploadedFile> files) {
    }

    /**
     * Returns a typed {@link RestResponse}, not a {@link Response}: from the declared entity type Quarkus REST
     * registers {@link UploadResult} and what it holds ({@link UploadedFile}) for reflection, without which Jackson
     * cannot serialise them in a native executable (the file was stored, the answer an empty 500).
     */
    /**
     * The body is read through the transport's {@link RequestBodies} rather than an {@code InputStream} parameter,
     * which Quarkus REST feeds one buffer at a time (the reader and the connection then wait on each other; see
     * docs/BENCHMARKS.md, uploads).
     */
    @POST
    @RolesAllowed(WRITE_ROLE)
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Produces(MediaType.APPLICATION_JSON)
    @Blocking
    public RestResponse<UploadResult> upload(@HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
            @HeaderParam(HttpHeaders.CONTENT_LENGTH) String contentLength) throws UploadRejectedException {
        List<UploadedFile> stored;
        try (RequestBodyStream body = RequestBodies.open(CurrentRequestManager.get(), receiveBuffer)) {
            stored = uploads.upload(contentType, parseLength(contentLength), body);
        }
        // A raw header, not created(URI): that would make the Location absolute against the request's base URI.
        return RestResponse.ResponseBuilder.create(RestResponse.Status.CREATED, new UploadResult(stored))
                .header(HttpHeaders.LOCATION, "/files/" + stored.get(0).name())
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
    @NonBlocking
    public Object get(@PathParam("name") String name, HttpHeaders headers) {
        Response invalid = invalidName(name);
        return invalid != null ? invalid : FileResponses.forGet(cachedOrMiss(name, headers, false), headers);
    }

    @HEAD
    @Path("{name}")
    @NonBlocking
    public Response head(@PathParam("name") String name, HttpHeaders headers) {
        Response invalid = invalidName(name);
        return invalid != null ? invalid : FileResponses.build(cachedOrMiss(name, headers, true), headers, true);
    }

    @DELETE
    @RolesAllowed(WRITE_ROLE)
    @Path("{name}")
    @Blocking
    public Response delete(@PathParam("name") String name) throws IOException {
        String problem = FileName.problem(name);
        if (problem != null) {
            return Responses.text(Response.Status.BAD_REQUEST, problem);
        }
        return store.delete(new FileName(name))
                ? Response.noContent().build()
                : Responses.text(Response.Status.NOT_FOUND, "no such file: " + name);
    }

    /** @return the cached mapping of the valid name {@code name}; a miss goes to {@link #loadMiss} */
    private MappedFile cachedOrMiss(String name, HttpHeaders headers, boolean head) {
        MappedFile hit = cache.getIfCached(name);
        if (hit == null) {
            throw new CacheMiss(name, headers, head);
        }
        return hit;
    }

    private static Response invalidName(String name) {
        String problem = FileName.problem(name);
        return problem == null ? null : Responses.text(Response.Status.BAD_REQUEST, problem);
    }

    /**
     * Answers a GET or HEAD that missed the cache: the disk work (resolve, stat, open or map) runs on a worker
     * thread, never on the I/O thread, and the response follows from there. A miss reaches here as an exception
     * so that a hit, the common case, stays a plain synchronous method: a {@code Uni} return would make every hit
     * suspend and resume the request, activate the CDI request scope and capture context (measured: 6 to 10 %
     * of the CPU per hit).
     */
    @ServerExceptionMapper
    public Uni<Response> loadMiss(CacheMiss miss) {
        ResteasyReactiveRequestContext request = CurrentRequestManager.get();
        return Uni.createFrom().item(() -> answerMiss(miss, request))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    /**
     * Blocking. A request whose stream was reset, or whose connection closed, while it waited for a worker thread
     * gets no disk work: nobody is left to read the answer (a client that gives up on a thousand misses must not
     * leave the workers mapping files for it).
     */
    private Response answerMiss(CacheMiss miss, ResteasyReactiveRequestContext request) {
        if (request.serverResponse().closed()) {
            return Response.status(CLIENT_CLOSED_REQUEST).build();
        }
        Optional<FileContent> content = load(miss.name);
        return content.isEmpty()
                ? Responses.text(Response.Status.NOT_FOUND, "no such file: " + miss.name)
                : closedAtTheLatestOnEnd(FileResponses.build(content.get(), miss.headers, miss.head), request);
    }

    /**
     * A streamed body holds an open channel until its writer takes it. A client that resets the stream before then
     * may keep the writer from ever running; the request's end closes the channel in that case.
     */
    private static Response closedAtTheLatestOnEnd(Response response, ResteasyReactiveRequestContext request) {
        if (response.getEntity() instanceof FileBody.Streamed streamed) {
            request.registerCompletionCallback(failure -> streamed.releaseUntaken());
        }
        return response;
    }

    /**
     * A GET or HEAD whose file is not in the cache, handed from the I/O thread to {@link #loadMiss}. Carries no stack
     * trace: it is control flow, and a cold start or a large streamed file makes many of them.
     */
    static final class CacheMiss extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient FileName name;
        final transient HttpHeaders headers;
        final boolean head;

        CacheMiss(String name, HttpHeaders headers, boolean head) {
            super(null, null, false, false);
            this.name = new FileName(name);
            this.headers = headers;
            this.head = head;
        }
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

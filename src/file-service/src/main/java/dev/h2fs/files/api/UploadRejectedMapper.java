package dev.h2fs.files.api;

import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;

import dev.h2fs.files.upload.UploadRejectedException;

/**
 * Answers a failed upload with its status and reason. A 413 sent before the body was read also
 * closes an HTTP/1.1 connection: the rest of the oversized body would otherwise have to be read
 * and thrown away before the next request.
 *
 * <p>Threads: called by Quarkus REST on the upload's worker thread; stateless.
 */
public final class UploadRejectedMapper {

    private static final Logger LOG = Logger.getLogger(UploadRejectedMapper.class);

    @ServerExceptionMapper
    public Response map(UploadRejectedException e, HttpServerRequest request) {
        if (e.status() == 507) {
            LOG.warnf("upload refused, store is full: %s", e.getCause() == null ? "" : e.getCause().getMessage());
        } else if (e.status() >= 500) {
            LOG.errorf(e, "upload failed: %s", e.getMessage());
        } else {
            LOG.debugf("upload rejected (%d): %s", e.status(), e.getMessage());
        }
        Response response = Responses.text(e.status(), e.getMessage());
        if (e.status() == 413 && request.version() != HttpVersion.HTTP_2) {
            return Response.fromResponse(response).header("Connection", "close").build();
        }
        return response;
    }
}

package dev.h2fs.files.api;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Error responses: a status and a one-line reason in plain text, never a stack trace.
 *
 * <p>Thread-safe: stateless.
 */
final class Responses {

    private Responses() {
    }

    static Response text(Response.Status status, String reason) {
        return text(status.getStatusCode(), reason);
    }

    static Response text(int status, String reason) {
        return Response.status(status).type(MediaType.TEXT_PLAIN_TYPE.withCharset("utf-8")).entity(reason + "\n")
                .build();
    }
}

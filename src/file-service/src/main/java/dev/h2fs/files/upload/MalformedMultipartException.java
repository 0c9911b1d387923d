package dev.h2fs.files.upload;

import java.io.IOException;

/**
 * The request body is not valid {@code multipart/form-data}: the client's fault, answered
 * {@code 400} with the message as the reason. Distinct from a plain {@link IOException}, which
 * means the connection failed.
 *
 * <p>Threads: thrown and handled on the upload's worker thread.
 */
public final class MalformedMultipartException extends IOException {

    public MalformedMultipartException(String reason) {
        super(reason);
    }
}

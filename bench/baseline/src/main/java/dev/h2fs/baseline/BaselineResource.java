package dev.h2fs.baseline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;

import io.smallrye.common.annotation.NonBlocking;

/**
 * The floor for {@code bench/run --variants baseline}: the least a Quarkus REST file GET can cost on stock Quarkus.
 * One file read at start-up ({@code -Dbaseline.file}), answered from memory by a non-blocking method with a fixed
 * media type (so the writer is chosen at build time); no metrics, no health, no validation, no conditional requests.
 * Our service on our transport is measured against it to tell Quarkus REST's own cost from ours.
 * <p>
 * Thread: Quarkus's event loop; the body is immutable.
 */
@Path("/files")
public class BaselineResource {

    private static final byte[] BODY = read();

    private static byte[] read() {
        try {
            return Files.readAllBytes(java.nio.file.Path.of(System.getProperty("baseline.file", "index.html")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @GET
    @Path("{name}")
    @NonBlocking
    @Produces("text/html")
    public byte[] get(@PathParam("name") String name) {
        return BODY;
    }
}

package dev.h2fs.files.tracing;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

import io.opentelemetry.api.trace.Span;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.common.annotation.NonBlocking;

/** Test-only endpoints for {@link FastPathTracingTest}: what the resource method sees of the current span. */
@Path("/traced")
public class TracedResource {

    @GET
    @Path("loop/{name}")
    @NonBlocking
    public String onTheLoop(@PathParam("name") String name) {
        return Span.current().getSpanContext().getTraceId();
    }

    @GET
    @Path("worker/{name}")
    @Blocking
    public String onAWorker(@PathParam("name") String name) {
        return Span.current().getSpanContext().getTraceId();
    }

    @GET
    @Path("fail")
    public String fail() {
        throw new IllegalStateException("traced failure");
    }
}

package dev.h2fs.files.fastpath;

import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Test-only endpoints and providers for {@link FastPathParityTest}: an exception mapper, content negotiation, query
 * parameters and {@code @Context} injection, and a JAX-RS response filter that acts only on requests carrying
 * {@code x-parity-filter} (so the other tests of the module, which share the application, are not affected).
 */
@Path("/parity")
public class ParityResource {

    /** A failure the mapper below answers with 409. */
    public static final class ParityConflict extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ParityConflict(String message) {
            super(message, null, false, false);
        }
    }

    @GET
    @Path("conflict")
    public String conflict() {
        throw new ParityConflict("mapped by ParityResource");
    }

    /** A failure no mapper answers: Quarkus's error handler does. */
    @GET
    @Path("unmapped")
    @Produces({ MediaType.APPLICATION_JSON, MediaType.TEXT_HTML, MediaType.TEXT_PLAIN })
    public String unmapped() {
        throw new IllegalStateException("left to Quarkus's error handler");
    }

    @ServerExceptionMapper
    public Response mapConflict(ParityConflict conflict) {
        return Response.status(409).type(MediaType.TEXT_PLAIN).entity("conflict: " + conflict.getMessage()).build();
    }

    @GET
    @Path("echo")
    @Produces(MediaType.TEXT_PLAIN)
    public String echo(@QueryParam("a") List<String> a, @QueryParam("b") String b, @Context UriInfo uri,
            @Context HttpHeaders headers) {
        return "a=" + a + " b=" + b + " path=" + uri.getPath() + " query=" + uri.getRequestUri().getRawQuery()
                + " x-echo=" + headers.getHeaderString("X-Echo");
    }

    /** Puts a query parameter into a response header, as careless code does: the door to response splitting. */
    @GET
    @Path("reflect")
    public Response reflect(@QueryParam("v") String value) {
        return Response.ok("reflected", MediaType.TEXT_PLAIN).header("x-reflected", value).build();
    }

    @GET
    @Path("json-only")
    @Produces(MediaType.APPLICATION_JSON)
    public String jsonOnly() {
        return "{\"ok\":true}";
    }

    @ServerResponseFilter
    public void markFiltered(ContainerRequestContext request, ContainerResponseContext response) {
        if (request.getHeaderString("x-parity-filter") != null) {
            response.getHeaders().putSingle("x-filtered", "status " + response.getStatus());
        }
    }
}

package dev.h2fs.transport.deployment;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.UriInfo;

/** Test resource: answers with what RESTEasy sees of the request's address (its URI and {@code Host} header). */
@Path("/uri")
public class UriResource {

    @GET
    public String uri(@Context UriInfo uri, @Context HttpHeaders headers) {
        return uri.getAbsolutePath() + " base=" + uri.getBaseUri() + " host=" + headers.getHeaderString("Host");
    }
}

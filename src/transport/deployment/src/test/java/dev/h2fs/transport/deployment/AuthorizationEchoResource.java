package dev.h2fs.transport.deployment;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;

import io.smallrye.common.annotation.NonBlocking;

/** Test resource: answers with the request's {@code Authorization} header as the resource method received it. */
@Path("/echo-authorization")
public class AuthorizationEchoResource {

    @GET
    @NonBlocking
    public String echo(@HeaderParam("Authorization") String authorization) {
        return authorization;
    }
}

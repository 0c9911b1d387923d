package dev.h2fs.transport.deployment;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;

import io.smallrye.common.annotation.NonBlocking;

/** Test resource for h2spec, which sends its GET and POST requests to {@code /}. */
@Path("/")
public class RootResource {

    @GET
    @NonBlocking
    public String get() {
        return "ok";
    }

    @POST
    @NonBlocking
    public String post(String body) {
        return "ok " + body.length();
    }
}

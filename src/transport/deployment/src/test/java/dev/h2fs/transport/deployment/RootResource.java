package dev.h2fs.transport.deployment;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;

import io.smallrye.common.annotation.NonBlocking;

/**
 * Test resource for h2spec, which sends its GET and POST requests to {@code /}. The GET body is longer than 4 bytes:
 * h2spec skips {@code http2/6.9.2/2} (a negative flow-control window) when the response is shorter.
 */
@Path("/")
public class RootResource {

    @GET
    @NonBlocking
    public String get() {
        return "ok h2spec";
    }

    @POST
    @NonBlocking
    public String post(String body) {
        return "ok " + body.length();
    }
}

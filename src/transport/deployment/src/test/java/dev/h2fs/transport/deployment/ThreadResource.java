package dev.h2fs.transport.deployment;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

import io.smallrye.common.annotation.Blocking;
import io.smallrye.common.annotation.NonBlocking;

/** Test resource: answers with the name of the thread that ran the method. */
@Path("/thread")
public class ThreadResource {

    @GET
    @Path("/non-blocking")
    @NonBlocking
    public String nonBlocking() {
        return Thread.currentThread().getName();
    }

    @GET
    @Path("/blocking")
    @Blocking
    public String blocking() {
        return Thread.currentThread().getName();
    }
}

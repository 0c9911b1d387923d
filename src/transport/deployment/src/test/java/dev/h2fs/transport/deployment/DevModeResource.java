package dev.h2fs.transport.deployment;

import java.time.Duration;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

import io.smallrye.common.annotation.NonBlocking;
import io.smallrye.mutiny.Uni;

/** Test resource for the dev-mode tests: the tests edit its source to see a reload take effect. */
@Path("/dev")
public class DevModeResource {

    @GET
    @Path("version")
    @NonBlocking
    public String version() {
        return "version-0";
    }

    /** Keeps its stream open for a while without holding a thread. */
    @GET
    @Path("held")
    public Uni<String> held() {
        return Uni.createFrom().item("held").onItem().delayIt().by(Duration.ofSeconds(3));
    }
}

package dev.h2fs.transport.deployment;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

import io.smallrye.mutiny.Uni;

/** Test resource: a request that stays open (its stream too) until the test releases it. */
@Path("/held")
public class HeldResource {

    /** Requests that have reached the method. */
    static final AtomicInteger ARRIVED = new AtomicInteger();
    /** Completing it answers every request held so far with its value. */
    static volatile CompletableFuture<String> release = new CompletableFuture<>();

    @GET
    public Uni<String> held() {
        ARRIVED.incrementAndGet();
        return Uni.createFrom().completionStage(release);
    }
}

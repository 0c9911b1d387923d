package dev.h2fs.files;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * Runs a Vert.x client exchange on a Vert.x context. Started from a test thread, a request on a pooled
 * connection completes at once on that thread, and the response (headers, data, end) can race past the
 * body handler the test thread has yet to set, leaving an empty body. On the context, the handlers are
 * set before the event loop delivers anything more.
 */
public final class VertxExchange {

    private VertxExchange() {
    }

    /** Starts {@code exchange} on a context of {@code vertx}; its result, when it completes. */
    public static <T> CompletableFuture<T> start(Vertx vertx, Supplier<Future<T>> exchange) {
        CompletableFuture<T> result = new CompletableFuture<>();
        vertx.getOrCreateContext().runOnContext(v -> exchange.get().onComplete(done -> {
            if (done.succeeded()) {
                result.complete(done.result());
            } else {
                result.completeExceptionally(done.cause());
            }
        }));
        return result;
    }
}

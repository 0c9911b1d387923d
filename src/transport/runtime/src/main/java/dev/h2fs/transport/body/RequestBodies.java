package dev.h2fs.transport.body;

import java.time.Duration;

import org.jboss.resteasy.reactive.server.core.ResteasyReactiveRequestContext;
import org.jboss.resteasy.reactive.server.spi.ServerHttpRequest;
import org.jboss.resteasy.reactive.server.spi.ServerRequestContext;

import io.vertx.core.http.HttpServerRequest;

import dev.h2fs.transport.vertx.VertxBridge;

/**
 * The transport's way for a blocking REST method to read a large request body: a {@link RequestBodyStream} that keeps
 * the connection receiving while the method works on what already arrived, within a memory bound. Use it instead of
 * an {@code InputStream} parameter, which Quarkus REST feeds one buffer at a time.
 * <p>
 * Thread-safe: stateless.
 */
public final class RequestBodies {

    private RequestBodies() {
    }

    /**
     * Takes over the body of the current request. Nothing is read (and no {@code 100 Continue} sent) before the first
     * read, so a method may still refuse the request from its headers alone.
     *
     * @param context the request's context ({@code CurrentRequestManager.get()} in a resource method)
     * @param maxQueuedBytes body bytes received but not yet read that make the connection stop receiving this body; one
     *        read waits for the client at most Quarkus REST's read timeout ({@code quarkus.rest.read-timeout})
     * @throws IllegalStateException if the request is not carried by Vert.x's HTTP server (the REST fast path takes no
     *         request with a body)
     */
    public static RequestBodyStream open(ServerRequestContext context, long maxQueuedBytes) {
        ResteasyReactiveRequestContext rest = (ResteasyReactiveRequestContext) context;
        ServerHttpRequest server = rest.serverRequest();
        HttpServerRequest request = server.unwrap(HttpServerRequest.class);
        if (request == null) {
            throw new IllegalStateException("not a request of Vert.x's HTTP server: " + server);
        }
        // Quarkus REST's resume sends the 100 Continue a client with "Expect: 100-continue" waits for, once.
        Duration readTimeout = rest.getDeployment().getRuntimeConfiguration().readTimeout();
        return new RequestBodyStream(request, VertxBridge.channelOf(request.connection()).eventLoop(),
                server::resumeRequestInput, maxQueuedBytes, readTimeout.toNanos());
    }
}

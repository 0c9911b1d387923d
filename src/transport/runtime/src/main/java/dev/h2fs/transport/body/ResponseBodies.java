package dev.h2fs.transport.body;

import java.nio.ByteBuffer;

import org.jboss.resteasy.reactive.server.core.ResteasyReactiveRequestContext;
import org.jboss.resteasy.reactive.server.spi.ServerHttpRequest;
import org.jboss.resteasy.reactive.server.spi.ServerRequestContext;

import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * The transport-neutral way for a body writer to hand bytes to whichever path carries the response: the REST fast
 * path ({@link DirectResponse}) or Vert.x's HTTP server. Everything else a body writer needs (status, headers, chunk
 * writes paced by their completion, drain and close handlers) is RESTEasy Reactive's own {@code ServerHttpResponse},
 * which both paths implement.
 * <p>
 * Thread-safe: stateless.
 */
public final class ResponseBodies {

    private ResponseBodies() {
    }

    /**
     * Ends the response with {@code bytes} (typically a slice of a file mapping), not copied: the buffer is wrapped
     * and the kernel reads it when the data frame goes out. Whatever keeps the mapping alive must be reachable from
     * {@code bytes} until then.
     */
    public static void endWith(ServerRequestContext context, ByteBuffer bytes) {
        ServerHttpRequest request = request(context);
        DirectResponse direct = request.unwrap(DirectResponse.class);
        if (direct != null) {
            direct.endWith(bytes);
            return;
        }
        HttpServerResponse response = request.unwrap(HttpServerResponse.class);
        if (response == null) {
            throw new IllegalStateException("neither the transport's nor Vert.x's response: " + request);
        }
        response.end(Buffer.buffer(Unpooled.wrappedBuffer(bytes)));
    }

    /** Both paths' contexts are RESTEasy's request context, whose request side unwraps to the response objects. */
    private static ServerHttpRequest request(ServerRequestContext context) {
        return ((ResteasyReactiveRequestContext) context).serverRequest();
    }

    /** Abandons the response with an HTTP/2 error code (HTTP/1.1: the connection closes). */
    public static void reset(ServerRequestContext context, long code) {
        ServerHttpRequest request = request(context);
        DirectResponse direct = request.unwrap(DirectResponse.class);
        if (direct != null) {
            direct.reset(code);
            return;
        }
        HttpServerResponse response = request.unwrap(HttpServerResponse.class);
        if (response != null) {
            response.reset(code);
        } else {
            context.serverResponse().reset();
        }
    }
}

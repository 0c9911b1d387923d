package dev.h2fs.transport.rest;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.spi.tracing.SpanKind;
import io.vertx.core.spi.tracing.TagExtractor;
import io.vertx.core.spi.tracing.VertxTracer;
import io.vertx.core.tracing.TracingPolicy;

import dev.h2fs.transport.vertx.VertxBridge;

/**
 * Tracing of fast-path requests, by the tracer Vert.x's HTTP server reports to (Quarkus OpenTelemetry's, while
 * {@code quarkus.otel.sdk.disabled=false}). Each request is reported as Vert.x's HTTP/2 server reports it: the same
 * calls, on the request's duplicated context, with a request and a response of the shape the tracer reads (Vert.x's
 * observability {@code HttpRequest}/{@code HttpResponse}, headers without the pseudo-headers, as Vert.x gives them).
 * So the server span is Quarkus's own: the W3C context extracted from {@code traceparent}/{@code tracestate}, its name
 * and semantic-convention attributes, {@code http.route} from the URI template RESTEasy's observability handler
 * finds ({@link #template}), and the span current in the resource method (Quarkus keeps it in the duplicated context).
 * <p>
 * Reported when the stream is taken, before the route filters (security events land in the span), ended when the
 * stream closes; as Vert.x does for a request that arrived whole, with no failure, whatever closed the stream. A
 * request handed back to Vert.x's path is traced there; the span begun here is left unended, so never exported.
 * <p>
 * Thread-safe: the tracer is Quarkus's (thread-safe); each call concerns one request, on its loop or its thread.
 */
final class FastPathTracing {

    /** Where Quarkus's observability handler puts the URI template, in the request's Vert.x context. */
    static final String URL_PATH_TEMPLATE = "UrlPathTemplate";

    private final VertxTracer<Object, Object> tracer;
    private final TracingPolicy policy;

    private FastPathTracing(VertxTracer<Object, Object> tracer, TracingPolicy policy) {
        this.tracer = tracer;
        this.policy = policy;
    }

    /**
     * @param policy the HTTP server's tracing policy ({@code HttpServerOptions}), as Vert.x's server passes it
     * @return the tracing, or null when nothing traces (no tracer, or the SDK is off)
     */
    static FastPathTracing of(Vertx vertx, TracingPolicy policy) {
        VertxTracer<Object, Object> tracer = VertxBridge.tracer(vertx);
        return tracer == null ? null : new FastPathTracing(tracer, policy);
    }

    /** @return the request's trace (null: not traced), begun on its duplicated Vert.x context */
    Object begin(Context requestContext, FastPathHttpRequest request) {
        return tracer.receiveRequest(requestContext, SpanKind.RPC, policy, request, request.method().name(),
                request.headers(), TagExtractor.empty());
    }

    /** The URI template of the resource method RESTEasy matched, where Quarkus's tracer reads the route. */
    void template(Context requestContext, String template) {
        requestContext.putLocal(URL_PATH_TEMPLATE, template);
    }

    /** Ends the request's trace; on the loop, once the stream has closed. */
    void end(Context requestContext, Object trace, FastPathHttpResponse response) {
        if (trace != null) {
            tracer.sendResponse(requestContext, response, trace, null, TagExtractor.empty());
        }
    }

    @Override
    public String toString() {
        return "tracing";
    }
}

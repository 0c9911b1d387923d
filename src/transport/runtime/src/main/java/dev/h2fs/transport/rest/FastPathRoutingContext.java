package dev.h2fs.transport.rest;

import java.nio.charset.Charset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.quarkus.vertx.http.runtime.VertxHttpRecorder;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.auth.User;
import io.vertx.ext.web.FileUpload;
import io.vertx.ext.web.ParsedHeaderValues;
import io.vertx.ext.web.RequestBody;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Session;
import io.vertx.ext.web.UserContext;
import io.vertx.ext.web.impl.HeaderParser;
import io.vertx.ext.web.impl.ParsableHeaderValue;
import io.vertx.ext.web.impl.ParsableHeaderValuesContainer;
import io.vertx.ext.web.impl.ParsableLanguageValue;
import io.vertx.ext.web.impl.ParsableMIMEValue;

import dev.h2fs.transport.vertx.VertxBridge;

/**
 * Vert.x Web's routing context of one fast-path request, for the code that takes one: Quarkus's route filters that
 * the fast path runs before RESTEasy (CORS, HTTP authentication, HTTP permissions: {@link RouteFilters}), and what
 * Quarkus REST and Quarkus Security ask of it later (the security identity, the authenticator, JAX-RS HTTP
 * permissions, exception mappers taking a {@code RoutingContext}). It carries what they use: the request's headers,
 * method, path, scheme and addresses, a response whose status and headers are the exchange's, the context's data
 * and user.
 * <p>
 * A filter that answers the request itself ({@code fail}, or ending the response: a refusal, a CORS rejection)
 * does not answer it here: the request goes back to Vert.x's HTTP path, whose router runs the same filters and
 * answers it exactly as it would without the fast path. So does a request a filter asks something of that this
 * context does not have (an {@link UnsupportedOperationException}, before RESTEasy starts). Only requests the filters
 * let through are served on the fast path.
 * <p>
 * Thread: the filters run on the connection's loop; one may complete later on another thread (a blocking identity
 * provider), and the request then continues on that thread, as it would under Vert.x's router.
 */
final class FastPathRoutingContext implements RoutingContext {

    private final FastPathExchange exchange;
    private final Handler<RoutingContext>[] filters;
    private final FastPathHttpRequest request;
    private final FastPathHttpResponse response;
    private int nextFilter;
    private volatile boolean chainStarted;
    private Map<String, Object> data;
    private User user;
    private Throwable failure;
    private int failureStatus = -1;
    private String acceptableContentType;
    private volatile HttpServerRequest forwarded;
    private volatile boolean answering;
    private ParsedHeaderValues parsedHeaders;

    FastPathRoutingContext(FastPathExchange exchange, Handler<RoutingContext>[] filters, boolean recordStartTime) {
        this.exchange = exchange;
        this.filters = filters;
        this.response = new FastPathHttpResponse(exchange, this);
        this.request = new FastPathHttpRequest(exchange, this, response);
        if (recordStartTime) {
            // quarkus.http.record-request-start-time: what Quarkus's route puts there, read by the access log's %D/%T
            dataMap().put(VertxHttpRecorder.REQUEST_START_TIME, exchange.startNanos());
        }
    }

    FastPathExchange exchange() {
        return exchange;
    }

    /** @return the fast path's own request, whatever wraps it (the tracer is given this one, as Vert.x's raw request) */
    FastPathHttpRequest ownRequest() {
        return request;
    }

    /**
     * From now on the request is Quarkus's forwarded-header wrapper of this context's ({@link ForwardedRequests}): its
     * remote address, scheme, host and URI are what the filters, RESTEasy and the access log see.
     */
    void forwarded(HttpServerRequest wrapper) {
        forwarded = wrapper;
    }

    /** @return the forwarded-header wrapper of the request, or null without forwarding */
    HttpServerRequest forwarded() {
        return forwarded;
    }

    /** Runs the filters, then RESTEasy (unless a filter answers). */
    void start() {
        advance();
    }

    private void advance() {
        if (chainStarted || exchange.handedBack()) {
            return;
        }
        if (nextFilter == filters.length) {
            chainStarted = true;
            RouteFilters.beforeRest(this);
            exchange.run();
            return;
        }
        Handler<RoutingContext> filter = filters[nextFilter++];
        try {
            filter.handle(this);
        } catch (RuntimeException e) {
            if (chainStarted) {
                throw e; // RESTEasy's, from a filter's synchronous next(): not the filter's to answer
            }
            // Something this context lacks, or a filter's own failure: Vert.x's path answers either the way it does.
            exchange.handBack();
        }
    }

    /**
     * RESTEasy could not answer the request (an exception no mapper answers): Quarkus's error handler, the last
     * failure handler of its router, answers it over this context, whose response then writes through the exchange.
     */
    void unhandled(Throwable cause, Handler<RoutingContext> errorHandler) {
        chainStarted = true;
        answering = true;
        failure = cause;
        failureStatus = -1; // as Vert.x Web's fail(Throwable): the handler makes it a 500
        errorHandler.handle(this);
    }

    /** @return whether the response is written through this context (the error handler answers) */
    boolean answersItself() {
        return answering;
    }

    /** A filter failed the request: Vert.x's path answers it (its failure handlers). */
    private void failed(int status, Throwable cause) {
        failureStatus = status;
        failure = cause;
        if (!chainStarted) {
            exchange.handBack();
        }
    }

    /** A filter ended the response: Vert.x's path answers the request instead. */
    void answered() {
        if (!chainStarted) {
            exchange.handBack();
        }
    }

    /**
     * @return what to throw for a method this context does not carry; before RESTEasy starts, the request has then
     *         been handed back to Vert.x's path already (the exception may be swallowed by a reactive pipeline)
     */
    UnsupportedOperationException unsupported(String method) {
        if (!chainStarted) {
            exchange.handBack();
        }
        return new UnsupportedOperationException(method + " is not available on the REST fast path");
    }

    @Override
    public User user() {
        return user;
    }

    @Override
    public void setUser(User user) {
        this.user = user;
    }

    private Map<String, Object> dataMap() {
        if (data == null) {
            data = new HashMap<>(8);
        }
        return data;
    }

    @Override
    public int addBodyEndHandler(Handler<Void> handler) {
        throw unsupported("addBodyEndHandler");
    }

    @Override
    public RoutingContext addCookie(Cookie cookie) {
        throw unsupported("addCookie");
    }

    @Override
    public int addEndHandler(Handler<AsyncResult<Void>> handler) {
        exchange.addCloseHandler(() -> handler.handle(Future.succeededFuture()));
        return 0;
    }

    @Override
    public int addHeadersEndHandler(Handler<Void> handler) {
        throw unsupported("addHeadersEndHandler");
    }

    @Override
    public RequestBody body() {
        throw unsupported("body");
    }

    @Override
    public void cancelAndCleanupFileUploads() {
        throw unsupported("cancelAndCleanupFileUploads");
    }

    @Override
    public int cookieCount() {
        return request.cookieCount();
    }

    @Override
    public Map<String, Cookie> cookieMap() {
        return request.cookieMap();
    }

    @Override
    public Route currentRoute() {
        return null;
    }

    @Override
    public Map<String, Object> data() {
        return dataMap();
    }

    @Override
    public void fail(int statusCode, Throwable failure) {
        failed(statusCode, failure);
    }

    @Override
    public void fail(int statusCode) {
        failed(statusCode, null);
    }

    @Override
    public void fail(Throwable failure) {
        failed(-1, failure);
    }

    @Override
    public boolean failed() {
        return failure != null || failureStatus > 0;
    }

    @Override
    public Throwable failure() {
        return failure;
    }

    @Override
    public List<FileUpload> fileUploads() {
        throw unsupported("fileUploads");
    }

    @Override
    public <T> T get(String key, T defaultValue) {
        T value = get(key);
        return value == null ? defaultValue : value;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T get(String key) {
        return data == null ? null : (T) data.get(key);
    }

    @Override
    public String getAcceptableContentType() {
        return acceptableContentType;
    }

    @Override
    public Cookie getCookie(String name) {
        return request.getCookie(name);
    }

    @Override
    public boolean isSessionAccessed() {
        return false;
    }

    @Override
    public String mountPoint() {
        return null;
    }

    @Override
    public void next() {
        advance();
    }

    @Override
    public String normalizedPath() {
        return exchange.request().getRequestNormalisedPath();
    }

    @Override
    public ParsedHeaderValues parsedHeaders() {
        if (parsedHeaders == null) {
            parsedHeaders = parseHeaders(request());
        }
        return parsedHeaders;
    }

    /** As Vert.x Web's routing context parses them (Quarkus's error handler picks its content type from them). */
    private static ParsedHeaderValues parseHeaders(HttpServerRequest request) {
        String contentType = request.getHeader(HttpHeaders.CONTENT_TYPE);
        return new ParsableHeaderValuesContainer(
                HeaderParser.sort(HeaderParser.convertToParsedHeaderValues(request.getHeader(HttpHeaders.ACCEPT),
                        ParsableMIMEValue::new)),
                HeaderParser.sort(HeaderParser.convertToParsedHeaderValues(
                        request.getHeader(HttpHeaders.ACCEPT_CHARSET), ParsableHeaderValue::new)),
                HeaderParser.sort(HeaderParser.convertToParsedHeaderValues(
                        request.getHeader(HttpHeaders.ACCEPT_ENCODING), ParsableHeaderValue::new)),
                HeaderParser.sort(HeaderParser.convertToParsedHeaderValues(
                        request.getHeader(HttpHeaders.ACCEPT_LANGUAGE), ParsableLanguageValue::new)),
                new ParsableMIMEValue(contentType == null ? "" : contentType));
    }

    @Override
    public String pathParam(String name) {
        return null;
    }

    @Override
    public Map<String, String> pathParams() {
        return Map.of();
    }

    @Override
    public RoutingContext put(String key, Object value) {
        dataMap().put(key, value);
        return this;
    }

    @Override
    public List<String> queryParam(String name) {
        return exchange.request().getAllQueryParams(name);
    }

    @Override
    public MultiMap queryParams(Charset charset) {
        throw unsupported("queryParams");
    }

    @Override
    public MultiMap queryParams() {
        return VertxBridge.multiMap(exchange.request().getQueryParamsMap());
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T remove(String key) {
        return data == null ? null : (T) data.remove(key);
    }

    @Override
    public boolean removeBodyEndHandler(int handlerId) {
        throw unsupported("removeBodyEndHandler");
    }

    @Override
    public Cookie removeCookie(String name, boolean invalidate) {
        throw unsupported("removeCookie");
    }

    @Override
    public boolean removeEndHandler(int handlerId) {
        throw unsupported("removeEndHandler");
    }

    @Override
    public boolean removeHeadersEndHandler(int handlerId) {
        throw unsupported("removeHeadersEndHandler");
    }

    @Override
    public HttpServerRequest request() {
        HttpServerRequest wrapper = forwarded;
        return wrapper != null ? wrapper : request;
    }

    @Override
    public void reroute(HttpMethod method, String path) {
        throw unsupported("reroute");
    }

    @Override
    public HttpServerResponse response() {
        return response;
    }

    @Override
    public Session session() {
        return null;
    }

    @Override
    public void setAcceptableContentType(String contentType) {
        acceptableContentType = contentType;
    }

    @Override
    public void setBody(Buffer data) {
        throw unsupported("setBody");
    }

    @Override
    public void setSession(Session session) {
        throw unsupported("setSession");
    }

    @Override
    public int statusCode() {
        return failureStatus;
    }

    @Override
    public UserContext userContext() {
        throw unsupported("userContext");
    }

    @Override
    public Vertx vertx() {
        return exchange.vertxContext().owner();
    }
}

package dev.h2fs.transport.rest;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jboss.resteasy.reactive.server.core.ResteasyReactiveRequestContext;
import org.jboss.resteasy.reactive.server.spi.ForwardedInfo;
import org.jboss.resteasy.reactive.server.spi.ServerHttpRequest;
import org.jboss.resteasy.reactive.server.spi.ServerHttpResponse;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;

import dev.h2fs.transport.body.DirectResponse;

/**
 * The request side of a fast-path exchange, as RESTEasy reads it ({@code ServerHttpRequest}): headers, method, path,
 * query parameters, the absolute URI, scheme and authority (with forwarded headers, those of Quarkus's wrapper), and
 * an empty body (the fast path takes only requests without one). It also keeps the request as it came, for a
 * hand-back: the pseudo-headers that Vert.x-shaped readers must not see, and the headers Quarkus's forwarded-header
 * wrapper rewrites.
 * <p>
 * Thread: the thread the request runs on (one step at a time, as RESTEasy runs it).
 */
final class FastPathServerRequest implements ServerHttpRequest {

    /** Set or removed by Quarkus's forwarded-header wrapper. */
    private static final AsciiString X_FORWARDED_TRUSTED_PROXY = AsciiString.cached("x-forwarded-trusted-proxy");

    private final FastPathExchange exchange;
    private final Http2Headers request;
    private final CharSequence target; // :path, :scheme, :authority as received
    private final CharSequence scheme;
    private final CharSequence authority;
    private final String method;
    private final String path;
    private final String query;
    private boolean pseudoHeadersRemoved;
    private Map<String, List<String>> queryParams;
    private boolean rewritable;
    private CharSequence receivedHost;
    private CharSequence receivedTrustedProxy;

    /**
     * @param request the request's headers, with its pseudo-headers (over HTTP/1.1: {@code :method} and {@code :path}
     *        only, the names in lower case)
     */
    FastPathServerRequest(FastPathExchange exchange, Http2Headers request, String method, String path, String query) {
        this.exchange = exchange;
        this.request = request;
        this.target = request.path();
        this.scheme = request.scheme();
        this.authority = request.authority();
        this.method = method;
        this.path = path;
        this.query = query;
    }

    Http2Headers headers() {
        return request;
    }

    /** As RESTEasy's {@code setQueryParamsFrom}: the parameters of a URI a pre-match filter set. */
    void queryParamsFrom(String uri) {
        queryParams = new QueryStringDecoder(uri).parameters();
    }

    /** What Quarkus's forwarded-header wrapper learnt, for RESTEasy's absolute {@code Location}s. */
    @Override
    public ForwardedInfo getForwardedInfo() {
        return ForwardedInfos.of(exchange.vertxContext());
    }

    /** Puts back what was changed for Vert.x-shaped readers, so that Vert.x's path gets the request as it came. */
    void restoreForHandBack() {
        if (rewritable) {
            restoreRewrittenHeaders();
        }
        if (pseudoHeadersRemoved) {
            restorePseudoHeaders();
        }
    }

    /**
     * Vert.x's HTTP/2 server takes the pseudo-headers out of a request's headers (they become its method, URI, scheme
     * and authority); so does the fast path before code that reads Vert.x's request sees them (the route filters,
     * the access log, the tracer), and RESTEasy then sees the headers as behind Vert.x. A hand-back puts them back.
     */
    void removePseudoHeaders() {
        pseudoHeadersRemoved = true;
        request.remove(Http2Headers.PseudoHeaderName.METHOD.value());
        request.remove(Http2Headers.PseudoHeaderName.PATH.value());
        request.remove(Http2Headers.PseudoHeaderName.SCHEME.value());
        request.remove(Http2Headers.PseudoHeaderName.AUTHORITY.value());
    }

    private void restorePseudoHeaders() {
        request.method(method);
        request.path(target);
        if (scheme != null) {
            request.scheme(scheme);
        }
        if (authority != null) {
            request.authority(authority);
        }
    }

    /**
     * Remembers the request's headers that Quarkus's forwarded-header wrapper rewrites ({@code host} and
     * {@code x-forwarded-trusted-proxy}, which it sets or removes), so that a hand-back gives Vert.x's path the
     * request the client sent. Before the wrapper runs; on the thread running the filters.
     */
    void keepReceivedHeaders() {
        if (!rewritable) {
            rewritable = true;
            receivedHost = request.get(HttpHeaderNames.HOST);
            receivedTrustedProxy = request.get(X_FORWARDED_TRUSTED_PROXY);
        }
    }

    private void restoreRewrittenHeaders() {
        restore(HttpHeaderNames.HOST, receivedHost);
        restore(X_FORWARDED_TRUSTED_PROXY, receivedTrustedProxy);
    }

    private void restore(AsciiString name, CharSequence received) {
        if (received == null) {
            request.remove(name);
        } else {
            request.set(name, received);
        }
    }

    @Override
    public String getRequestHeader(CharSequence name) {
        CharSequence value = request.get(FastPathExchange.lowerCase(name));
        return value == null ? null : value.toString();
    }

    @Override
    public Iterable<Map.Entry<String, String>> getAllRequestHeaders() {
        return FastPathExchange.entries(request);
    }

    @Override
    public List<String> getAllRequestHeaders(String name) {
        List<CharSequence> values = request.getAll(FastPathExchange.lowerCase(name));
        List<String> strings = new ArrayList<>(values.size());
        for (CharSequence value : values) {
            strings.add(value.toString());
        }
        return strings;
    }

    @Override
    public boolean containsRequestHeader(CharSequence name) {
        return request.contains(FastPathExchange.lowerCase(name));
    }

    @Override
    public String getRequestPath() {
        return path;
    }

    @Override
    public String getRequestMethod() {
        return method;
    }

    /** The fast path takes only paths that normalisation leaves unchanged ({@link RestFastPath#takesPath}). */
    @Override
    public String getRequestNormalisedPath() {
        return path;
    }

    /**
     * As Quarkus REST's: the request's absolute URI, scheme and authority, which {@code UriInfo} is built from; with
     * forwarded headers on, those of Quarkus's forwarded-header wrapper ({@link ForwardedRequests}).
     */
    @Override
    public String getRequestAbsoluteUri() {
        HttpServerRequest forwarded = forwarded();
        return forwarded != null ? forwarded.absoluteURI() : ownAbsoluteUri();
    }

    @Override
    public String getRequestScheme() {
        HttpServerRequest forwarded = forwarded();
        return forwarded != null ? forwarded.scheme() : ownScheme();
    }

    @Override
    public String getRequestHostAndPort() {
        HttpServerRequest forwarded = forwarded();
        if (forwarded == null) {
            return ownHostAndPort();
        }
        HostAndPort authority = forwarded.authority();
        if (authority == null) {
            return null;
        }
        return authority.port() >= 0 ? authority.host() + ':' + authority.port() : authority.host();
    }

    private HttpServerRequest forwarded() {
        FastPathRoutingContext current = exchange.existingRouting();
        return current == null ? null : current.forwarded();
    }

    /** @return the absolute URI the request itself carries (no forwarded header considered) */
    String ownAbsoluteUri() {
        String authority = ownHostAndPort();
        return ownScheme() + "://" + (authority == null ? "" : authority) + path + (query == null ? "" : "?" + query);
    }

    /** @return the scheme the request itself carries: {@code :scheme}, else the connection's */
    String ownScheme() {
        return scheme != null ? scheme.toString() : exchange.tls() ? "https" : "http";
    }

    /** @return the authority the request itself carries: {@code :authority}, else {@code host} */
    String ownHostAndPort() {
        CharSequence hostAndPort = authority != null ? authority : request.get(HttpHeaderNames.HOST);
        return hostAndPort == null ? null : hostAndPort.toString();
    }

    /**
     * RESTEasy calls this to abort a response whose head is out. Vert.x closes the whole connection; over HTTP/2 only
     * this stream ends here (RST_STREAM INTERNAL_ERROR), the connection's other streams are not affected.
     */
    @Override
    public void closeConnection() {
        exchange.reset(Http2Error.INTERNAL_ERROR.code());
    }

    private Map<String, List<String>> queryParams() {
        if (queryParams == null) {
            queryParams = query == null
                    ? Collections.emptyMap()
                    : new QueryStringDecoder(query, StandardCharsets.UTF_8, false).parameters();
        }
        return queryParams;
    }

    @Override
    public String getQueryParam(String name) {
        List<String> values = queryParams().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    @Override
    public Map<String, List<String>> getQueryParamsMap() {
        return new HashMap<>(queryParams());
    }

    @Override
    public List<String> getAllQueryParams(String name) {
        List<String> values = queryParams().get(name);
        return values == null ? Collections.emptyList() : values;
    }

    @Override
    public String query() {
        return query;
    }

    @Override
    public Collection<String> queryParamNames() {
        return queryParams().keySet();
    }

    @Override
    public boolean isRequestEnded() {
        return true;
    }

    @Override
    public InputStream createInputStream(ByteBuffer existingData) {
        if (existingData == null) {
            return createInputStream();
        }
        byte[] bytes = new byte[existingData.remaining()];
        existingData.get(bytes);
        return new ByteArrayInputStream(bytes);
    }

    @Override
    public InputStream createInputStream() {
        return InputStream.nullInputStream();
    }

    @Override
    public ServerHttpResponse pauseRequestInput() {
        return exchange;
    }

    @Override
    public ServerHttpResponse resumeRequestInput() {
        return exchange;
    }

    @Override
    public ServerHttpResponse setReadListener(ReadCallback callback) {
        callback.done();
        return exchange;
    }

    @SuppressWarnings("unchecked")
    @Override
    public <T> T unwrap(Class<T> type) {
        if (type == ResteasyReactiveRequestContext.class || type == DirectResponse.class) {
            return (T) exchange;
        }
        if (type == RoutingContext.class) {
            return (T) exchange.routing();
        }
        return null;
    }

    @Override
    public boolean isOnIoThread() {
        return exchange.channel().eventLoop().inEventLoop();
    }
}

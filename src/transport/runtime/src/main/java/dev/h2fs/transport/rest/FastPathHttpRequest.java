package dev.h2fs.transport.rest;

import java.util.Map;
import java.util.Set;

import javax.net.ssl.SSLSession;

import io.netty.handler.codec.DecoderResult;
import io.netty.handler.ssl.SslHandler;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpFrame;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerFileUpload;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.StreamPriority;
import io.vertx.core.http.impl.HttpServerRequestInternal;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.observability.HttpRequest;

import dev.h2fs.transport.vertx.VertxBridge;

/**
 * Vert.x's view of a fast-path request, for {@link FastPathRoutingContext}: headers, method, URI, scheme, host,
 * addresses and TLS session of the HTTP/2 stream or HTTP/1.1 request; the request has no body. Cookies are
 * not parsed here (code that needs one reads the {@code Cookie} header, as SmallRye JWT's mechanism does).
 * <p>
 * It extends Vert.x's internal request type because Quarkus REST casts to it to keep the URI template in the
 * request's Vert.x context ({@link #context()}: the request's duplicated context).
 * <p>
 * Thread: any thread the request runs on; reads only what is fixed when the stream arrives.
 */
final class FastPathHttpRequest extends HttpServerRequestInternal implements HttpRequest {

    private final FastPathExchange exchange;
    private final FastPathRoutingContext routing;
    private final FastPathHttpResponse response;
    private final MultiMap headers;

    FastPathHttpRequest(FastPathExchange exchange, FastPathRoutingContext routing, FastPathHttpResponse response) {
        this.exchange = exchange;
        this.routing = routing;
        this.response = response;
        this.headers = VertxBridge.headers(exchange.requestHeaders());
    }

    private UnsupportedOperationException unsupported(String method) {
        return routing.unsupported("HttpServerRequest." + method);
    }

    @Override
    public Context context() {
        return exchange.vertxContext();
    }

    /** No Vert.x HTTP metrics object: the fast path records {@code http.server.requests} itself. */
    @Override
    public Object metric() {
        return null;
    }

    @Override
    public boolean isSSL() {
        return exchange.tls();
    }

    @Override
    public SocketAddress remoteAddress() {
        return exchange.stream().connection().remoteAddress();
    }

    @Override
    public SocketAddress localAddress() {
        return exchange.stream().connection().localAddress();
    }

    @Override
    public SSLSession sslSession() {
        SslHandler ssl = exchange.channel().pipeline().get(SslHandler.class);
        return ssl == null ? null : ssl.engine().getSession();
    }

    @Override
    public int id() {
        return Math.max(exchange.streamId(), 0); // as Vert.x's requests: the HTTP/2 stream, 0 over HTTP/1.x
    }

    @Override
    public int streamId() {
        return exchange.streamId();
    }

    @Override
    public int cookieCount() {
        return 0;
    }

    @Override
    public Map<String, Cookie> cookieMap() {
        return Map.of();
    }

    @Override
    public String absoluteURI() {
        return exchange.request().ownAbsoluteUri();
    }

    @Override
    public HostAndPort authority(boolean real) {
        throw unsupported("authority");
    }

    @Override
    public HostAndPort authority() {
        String host = exchange.request().ownHostAndPort();
        return host == null ? null : HostAndPort.parseAuthority(host, -1);
    }

    @Override
    public Future<Buffer> body() {
        throw unsupported("body");
    }

    @Override
    public long bytesRead() {
        return 0;
    }

    @Override
    public HttpConnection connection() {
        throw unsupported("connection");
    }

    @Override
    public Set<Cookie> cookies(String name) {
        return Set.of();
    }

    @Override
    public Set<Cookie> cookies() {
        return Set.of();
    }

    @Override
    public io.vertx.core.http.HttpServerRequest customFrameHandler(Handler<HttpFrame> handler) {
        throw unsupported("customFrameHandler");
    }

    @Override
    public DecoderResult decoderResult() {
        throw unsupported("decoderResult");
    }

    @Override
    public Future<Void> end() {
        throw unsupported("end");
    }

    @Override
    public io.vertx.core.http.HttpServerRequest endHandler(Handler<Void> handler) {
        throw unsupported("endHandler");
    }

    @Override
    public io.vertx.core.http.HttpServerRequest exceptionHandler(Handler<Throwable> handler) {
        throw unsupported("exceptionHandler");
    }

    @Override
    public io.vertx.core.http.HttpServerRequest fetch(long amount) {
        throw unsupported("fetch");
    }

    @Override
    public MultiMap formAttributes() {
        throw unsupported("formAttributes");
    }

    @Override
    public Cookie getCookie(String name, String domain, String path) {
        throw unsupported("getCookie");
    }

    @Override
    public Cookie getCookie(String name) {
        return null;
    }

    @Override
    public String getFormAttribute(String name) {
        throw unsupported("getFormAttribute");
    }

    @Override
    public String getParamsCharset() {
        return "UTF-8";
    }

    @Override
    public io.vertx.core.http.HttpServerRequest handler(Handler<Buffer> handler) {
        throw unsupported("handler");
    }

    @Override
    public MultiMap headers() {
        return headers;
    }

    @Override
    public String host() {
        return exchange.request().ownHostAndPort();
    }

    @Override
    public boolean isEnded() {
        return true;
    }

    @Override
    public boolean isExpectMultipart() {
        return false;
    }

    @Override
    public HttpMethod method() {
        return HttpMethod.valueOf(exchange.request().getRequestMethod());
    }

    @Override
    public MultiMap params(boolean semicolonIsNormalChar) {
        return VertxBridge.multiMap(exchange.request().getQueryParamsMap());
    }

    @Override
    public String path() {
        return exchange.request().getRequestPath();
    }

    @Override
    public io.vertx.core.http.HttpServerRequest pause() {
        throw unsupported("pause");
    }

    @Override
    public javax.security.cert.X509Certificate[] peerCertificateChain() {
        throw unsupported("peerCertificateChain");
    }

    @Override
    public String query() {
        return exchange.request().query();
    }

    @Override
    public HttpServerResponse response() {
        return response;
    }

    @Override
    public io.vertx.core.http.HttpServerRequest resume() {
        throw unsupported("resume");
    }

    @Override
    public String scheme() {
        return exchange.request().ownScheme();
    }

    @Override
    public io.vertx.core.http.HttpServerRequest setExpectMultipart(boolean expect) {
        throw unsupported("setExpectMultipart");
    }

    @Override
    public io.vertx.core.http.HttpServerRequest setParamsCharset(String charset) {
        throw unsupported("setParamsCharset");
    }

    @Override
    public io.vertx.core.http.HttpServerRequest streamPriorityHandler(Handler<StreamPriority> handler) {
        throw unsupported("streamPriorityHandler");
    }

    @Override
    public Future<NetSocket> toNetSocket() {
        throw unsupported("toNetSocket");
    }

    @Override
    public Future<ServerWebSocket> toWebSocket() {
        throw unsupported("toWebSocket");
    }

    @Override
    public io.vertx.core.http.HttpServerRequest uploadHandler(Handler<HttpServerFileUpload> handler) {
        throw unsupported("uploadHandler");
    }

    @Override
    public String uri() {
        String query = exchange.request().query();
        return query == null ? exchange.request().getRequestPath() : exchange.request().getRequestPath() + "?" + query;
    }

    @Override
    public HttpVersion version() {
        return exchange.stream().version();
    }
}

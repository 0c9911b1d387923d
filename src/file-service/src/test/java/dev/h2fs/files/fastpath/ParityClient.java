package dev.h2fs.files.fastpath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;

import dev.h2fs.files.VertxExchange;

/**
 * Sends one request over a given client and keeps what parity is judged on: status, headers (names lower-cased,
 * HTTP/1.1's connection-level headers left out) and body. Thread: the test's.
 */
public final class ParityClient {

    /** Headers that belong to one protocol's framing, not to the response. */
    private static final Set<String> FRAMING = Set.of("connection", "keep-alive", "transfer-encoding");

    public record Reply(int status, HttpVersion version, Map<String, String> headers, String body) {
        public String header(String name) {
            return headers.get(name);
        }

        /** The reply without the headers a cache miss makes anew (a re-uploaded file's validators). */
        Reply withoutValidators() {
            Map<String, String> rest = new TreeMap<>(headers);
            rest.remove("etag");
            rest.remove("last-modified");
            return new Reply(status, version, rest, body);
        }

        /** Comparable across protocols: everything but the version. */
        Reply sansVersion() {
            return new Reply(status, null, headers, body);
        }
    }

    private final Vertx vertx;
    private final HttpClient client;
    private final String host;
    private final int port;
    private final boolean toVertx;

    /** A client whose requests go as they are: over HTTP/1.1 or HTTP/2, body-less REST requests take the fast path. */
    public ParityClient(Vertx vertx, HttpClient client, String host, int port) {
        this(vertx, client, host, port, false);
    }

    /**
     * @param toVertx whether each request carries {@code Content-Length: 0}: an HTTP/1.1 request that announces a
     *        body, even an empty one, is Vert.x's (the fast path takes only requests that announce none), so an
     *        HTTP/1.1 client with it is the reference of Vert.x's path
     */
    public ParityClient(Vertx vertx, HttpClient client, String host, int port, boolean toVertx) {
        this.vertx = vertx;
        this.client = client;
        this.host = host;
        this.port = port;
        this.toVertx = toVertx;
    }

    /**
     * Sends one request over HTTP/1.1 to Vert.x's path ({@code vertxPath}) and over a client the fast path serves
     * ({@code fastPath}: HTTP/2, or HTTP/1.1 without the marker), asserts that the replies are the same but for the
     * protocol version, and returns the fast path's.
     */
    public static Reply same(String what, ParityClient vertxPath, ParityClient fastPath, HttpMethod method, String uri,
            String... headerPairs) throws Exception {
        Reply overVertx = vertxPath.send(method, uri, headerPairs);
        Reply overFastPath = fastPath.send(method, uri, headerPairs);
        assertEquals(HttpVersion.HTTP_1_1, overVertx.version());
        assertTrue(vertxPath.toVertx, "the reference goes to Vert.x's path");
        assertFalse(fastPath.toVertx);
        assertEquals(overVertx.sansVersion(), overFastPath.sansVersion(), what);
        return overFastPath;
    }

    public Reply send(HttpMethod method, String uri, String... headerPairs) throws Exception {
        RequestOptions options = new RequestOptions().setMethod(method).setHost(host).setPort(port).setURI(uri);
        for (int i = 0; i < headerPairs.length; i += 2) {
            options.putHeader(headerPairs[i], headerPairs[i + 1]);
        }
        if (toVertx) {
            options.putHeader("Content-Length", "0");
        }
        return VertxExchange.start(vertx, () -> client.request(options).compose(request -> request.send())
                .compose(response -> response.body().map(body -> new Reply(response.statusCode(),
                        response.version(), headers(response.headers()),
                        body.toString(StandardCharsets.ISO_8859_1)))))
                .get(30, TimeUnit.SECONDS);
    }

    private static Map<String, String> headers(MultiMap headers) {
        Map<String, String> kept = new TreeMap<>();
        for (Map.Entry<String, String> header : headers) {
            String name = header.getKey().toLowerCase(java.util.Locale.ROOT);
            if (!FRAMING.contains(name)) {
                kept.merge(name, header.getValue(), (a, b) -> a + ", " + b);
            }
        }
        return kept;
    }
}

package dev.h2fs.transport.rest;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.Principal;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import jakarta.ws.rs.core.SecurityContext;

import org.jboss.resteasy.reactive.server.core.ResteasyReactiveRequestContext;
import org.jboss.resteasy.reactive.server.spi.ServerHttpRequest;
import org.jboss.resteasy.reactive.server.spi.ServerHttpResponse;
import org.jboss.resteasy.reactive.server.spi.ServerRestHandler;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import io.quarkus.resteasy.reactive.server.runtime.ResteasyReactiveSecurityContext;
import io.quarkus.resteasy.reactive.server.runtime.observability.ObservabilityHandler;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.core.Context;

import dev.h2fs.transport.body.DirectResponse;
import dev.h2fs.transport.vertx.VertxBridge;

/**
 * One REST request on the fast path: RESTEasy Reactive's request context and the response it writes
 * ({@code ServerHttpResponse}), through its {@link FastPathStream} (the connection's {@code Http2ConnectionEncoder}, or
 * the HTTP/1.1 encoder); the request side, read from the headers Netty decoded (an HTTP/2 HEADERS frame, or an
 * HTTP/1.1 request head), is {@link FastPathServerRequest}. No Vert.x request, response, router or routing context
 * is in between. Modelled on RESTEasy Reactive's
 * {@code VertxResteasyReactiveRequestContext}; what Quarkus's subclass adds is redone here: the CDI request context
 * lives in a duplicated Vert.x context of its own (as each Vert.x request's does), the URI template Quarkus's
 * observability handler would put in the routing context is kept for the metrics, and a path no resource maps goes
 * back to Vert.x ({@link #resumeExternalProcessing}).
 * <p>
 * The request has no body (its HEADERS ended the stream; its HTTP/1.1 head announced none), so reading it is reading
 * headers.
 * <p>
 * Failure policy: a client reset (or a closed connection) ends only this exchange: its close handlers run, writes
 * after it are dropped and their buffers released, and the metrics record status {@code RESET}. Aborting a response
 * whose head has gone out ({@code closeConnection}, which Vert.x implements by closing the whole connection) resets
 * this HTTP/2 stream only; over HTTP/1.1 the connection closes, as there is no other way to tell the client.
 * <p>
 * Thread: RESTEasy runs the request one step at a time, on the connection's loop or on a worker thread; every Netty
 * call is made on the loop ({@link #onLoop}); the stream-closed callback comes from the loop.
 */
final class FastPathExchange extends ResteasyReactiveRequestContext
        implements
            ServerHttpResponse,
            DirectResponse {

    private final FastPathStream stream;
    private final FastPathServerRequest request;
    private final String method;
    private final String path;
    private final Context vertxContext;
    private final long startNanos;
    private final Executor contextExecutor;
    private final RestFastPath app;

    private final Http2Headers response = new DefaultHttp2Headers(true);
    private int status = 200;
    private Consumer<ResteasyReactiveRequestContext> preCommit;
    private boolean chunked;
    private volatile boolean committed;
    private volatile boolean ended;
    private boolean headWritten; // loop only
    private volatile boolean streamGone;
    private List<Runnable> closeHandlers;
    private volatile Runnable drainHandler;
    private String template;
    private FastPathRoutingContext routing;
    private volatile boolean handedBack;
    private boolean identitySet;
    private long bodyBytes; // loop only
    private Object trace;

    /**
     * @param stream the protocol side: where the response goes
     * @param request the request's headers, with its pseudo-headers (over HTTP/1.1: {@code :method} and {@code :path}
     *        only, the names in lower case)
     */
    FastPathExchange(RestFastPath app, FastPathStream stream, Http2Headers request, String method, String path,
            String query, Context vertxContext) {
        super(app.deployment(), app.deployment().getThreadSetupAction(), app.initialChain(),
                app.deployment().getAbortHandlerChain());
        this.app = app;
        this.stream = stream;
        this.request = new FastPathServerRequest(this, request, method, path, query);
        this.method = method;
        this.path = path;
        this.vertxContext = vertxContext;
        this.startNanos = System.nanoTime();
        this.contextExecutor = command -> vertxContext.runOnContext(ignored -> command.run());
    }

    int streamId() {
        return stream.streamId();
    }

    /** @return the protocol side of this exchange */
    FastPathStream stream() {
        return stream;
    }

    /** @return whether the stream has closed (reset, or the connection's end); any thread */
    boolean streamGone() {
        return streamGone;
    }

    /**
     * Serves the request: Quarkus's route filters first, if the application has any ({@link FastPathRoutingContext}),
     * then RESTEasy's handler chain. Called on the request's duplicated Vert.x context.
     */
    void start() {
        FastPathTracing tracing = app.tracing();
        if (tracing != null) {
            trace = tracing.begin(vertxContext, routing().ownRequest());
        }
        if (app.filters().isEmpty()) {
            run();
        } else {
            routing().start();
        }
    }

    /** @return Vert.x Web's routing context of this request, made on first use */
    FastPathRoutingContext routing() {
        if (routing == null) {
            request.removePseudoHeaders();
            routing = new FastPathRoutingContext(this, app.filters().handlers(), app.recordsStartTime());
        }
        return routing;
    }

    /**
     * Gives the request to Vert.x's HTTP path, as if the fast path had never looked at it: nothing of this exchange is
     * written. Once only; any thread.
     */
    void handBack() {
        if (handedBack) {
            return;
        }
        handedBack = true;
        request.restoreForHandBack();
        onLoop(stream::handBack);
    }

    boolean handedBack() {
        return handedBack;
    }

    /** @return the request side: what RESTEasy and Vert.x-shaped readers read of the request */
    FastPathServerRequest request() {
        return request;
    }

    Http2Headers requestHeaders() {
        return request.headers();
    }

    /** @return the routing context if one has been made, else null; any thread */
    FastPathRoutingContext existingRouting() {
        return routing;
    }

    /** The response headers, which route filters (CORS) may add to before RESTEasy writes the response. */
    Http2Headers responseHeaders() {
        return response;
    }

    int statusCode() {
        return status;
    }

    /** @return when the request arrived, by {@link System#nanoTime} */
    long startNanos() {
        return startNanos;
    }

    /** @return the body bytes written so far, as Vert.x's {@code bytesWritten}; read once the stream has closed */
    long bodyBytesWritten() {
        return bodyBytes;
    }

    boolean tls() {
        return stream.connection().tls;
    }

    Channel channel() {
        return stream.connection().channel;
    }

    Context vertxContext() {
        return vertxContext;
    }

    // ---- RESTEasy Reactive's request context

    @Override
    public ServerHttpRequest serverRequest() {
        return request;
    }

    @Override
    public ServerHttpResponse serverResponse() {
        return this;
    }

    @Override
    protected EventLoop getEventLoop() {
        return channel().eventLoop();
    }

    @Override
    public Executor getContextExecutor() {
        return contextExecutor;
    }

    @Override
    public Runnable registerTimer(long millis, Runnable task) {
        ScheduledFuture<?> handle = getEventLoop().schedule(task, millis, TimeUnit.MILLISECONDS);
        return () -> handle.cancel(false);
    }

    /**
     * No resource maps the path: the stream goes to Vert.x's listener as if the fast path had never looked at it,
     * so an unknown path answers exactly as it does without the fast path (Quarkus's router, its 404 or its other
     * routes).
     */
    @Override
    public boolean resumeExternalProcessing() {
        handBack();
        return true;
    }

    /** Quarkus's observability handler writes the URI template into Vert.x's routing context; we keep it here. */
    @Override
    protected void invokeHandler(int pos) throws Exception {
        ServerRestHandler handler = handlers[pos];
        if (handler instanceof ObservabilityHandler observability) {
            template = observability.isSubResource()
                    ? (template == null ? "" : template) + observability.getTemplatePath()
                    : observability.getTemplatePath();
            if (trace != null) {
                app.tracing().template(vertxContext, template);
            }
            return;
        }
        handler.handle(this);
    }

    /**
     * With HTTP security, the caller's identity is the association's, which {@link #handleRequestScopeActivation}
     * filled from the routing context (as Quarkus REST's own request context does).
     */
    @Override
    protected SecurityContext createSecurityContext() {
        if (app.identityAssociation() != null) {
            return new ResteasyReactiveSecurityContext(routing());
        }
        boolean secure = tls();
        return new SecurityContext() {
            @Override
            public Principal getUserPrincipal() {
                return null;
            }

            @Override
            public boolean isUserInRole(String role) {
                return false;
            }

            @Override
            public boolean isSecure() {
                return secure;
            }

            @Override
            public String getAuthenticationScheme() {
                return null;
            }
        };
    }

    /**
     * As Quarkus REST's request context: when the CDI request scope starts, the request's security identity (or the
     * authentication still to come, with lazy authentication) becomes the association's, so that injected
     * {@code SecurityIdentity}, {@code JsonWebToken} and Quarkus Security's checks see the caller.
     */
    @Override
    protected void handleRequestScopeActivation() {
        super.handleRequestScopeActivation();
        CurrentIdentityAssociation association = app.identityAssociation();
        if (!identitySet && association != null) {
            identitySet = true;
            QuarkusHttpUser user = (QuarkusHttpUser) routing().user();
            if (user != null) {
                association.setIdentity(user.getSecurityIdentity());
            } else {
                association.setIdentity(QuarkusHttpUser.getSecurityIdentity(routing(), null));
            }
        }
    }

    /**
     * As Quarkus REST's request context: an exception no mapper answers is not answered by RESTEasy (a bare 500) but
     * thrown on, so that Quarkus's error handler answers it ({@link #handleUnrecoverableError}): its error id, its
     * body in the content type the client accepts, its one log line.
     */
    @Override
    public boolean handlesUnmappedException() {
        return false;
    }

    @Override
    public void handleUnmappedException(Throwable throwable) {
        throw FastPathExchange.<RuntimeException>sneaky(throwable);
    }

    /**
     * As Quarkus REST's request context, which fails its routing context: Quarkus's error handler, the last failure
     * handler of its router, answers over this request's routing context, then the response is ended if it is not.
     */
    @Override
    protected void handleUnrecoverableError(Throwable throwable) {
        routing().unhandled(forErrorLog(throwable), app.errorHandler());
        endResponse();
    }

    /**
     * An {@code IOException} from the resource method itself (not from the connection) is logged as an error by
     * Quarkus's error handler, which logs connection failures at debug level: Quarkus REST tells them apart by the
     * frames on top of the exception's stack, and wraps the first kind. So here.
     */
    private static Throwable forErrorLog(Throwable throwable) {
        if (!(throwable instanceof IOException io)) {
            return throwable;
        }
        StackTraceElement[] stack = throwable.getStackTrace();
        for (int depth = 0; depth < stack.length && depth < 5; depth++) {
            String frame = stack[depth].getClassName();
            if (frame.contains("InvocationHandler") || frame.contains("ResourceRequestFilterHandler")) {
                return new UncheckedIOException(io);
            }
        }
        return throwable;
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E sneaky(Throwable throwable) throws E {
        throw (E) throwable;
    }

    @Override
    protected void setQueryParamsFrom(String uri) {
        request.queryParamsFrom(uri);
    }

    // ---- the response

    @Override
    public ServerHttpResponse setStatusCode(int code) {
        if (!committed) {
            status = code;
        }
        return this;
    }

    @Override
    public boolean headWritten() {
        return committed;
    }

    @Override
    public ServerHttpResponse addResponseHeader(CharSequence name, CharSequence value) {
        if (value != null) {
            VertxBridge.validateHeader(name, value);
            response.add(lowerCase(name), value);
        }
        return this;
    }

    @Override
    public ServerHttpResponse setResponseHeader(CharSequence name, CharSequence value) {
        if (value == null) {
            response.remove(lowerCase(name)); // as Vert.x's header map: setting null removes
        } else {
            VertxBridge.validateHeader(name, value);
            response.set(lowerCase(name), value);
        }
        return this;
    }

    @Override
    public ServerHttpResponse setResponseHeader(CharSequence name, Iterable<CharSequence> values) {
        CharSequence lower = lowerCase(name);
        response.remove(lower);
        for (CharSequence value : values) {
            if (value != null) {
                VertxBridge.validateHeader(name, value);
                response.add(lower, value);
            }
        }
        return this;
    }

    @Override
    public Iterable<Map.Entry<String, String>> getAllResponseHeaders() {
        return entries(response);
    }

    @Override
    public String getResponseHeader(String name) {
        CharSequence value = response.get(lowerCase(name));
        return value == null ? null : value.toString();
    }

    @Override
    public void removeResponseHeader(String name) {
        response.remove(lowerCase(name));
    }

    @Override
    public boolean closed() {
        return ended || streamGone;
    }

    @Override
    public ServerHttpResponse setChunked(boolean chunked) {
        if (!committed) {
            this.chunked = chunked; // HTTP/1.1 only: HTTP/2 frames the body itself
        }
        return this;
    }

    @Override
    public void setPreCommitListener(Consumer<ResteasyReactiveRequestContext> task) {
        preCommit = task;
    }

    /** As Vert.x's: ending an ended response again does nothing (RESTEasy's error handling may). */
    @Override
    public ServerHttpResponse end() {
        if (!ended) {
            finish(null);
        }
        return this;
    }

    @Override
    public ServerHttpResponse end(byte[] data) {
        finish(Unpooled.wrappedBuffer(data));
        return this;
    }

    @Override
    public ServerHttpResponse end(String data) {
        finish(Unpooled.copiedBuffer(data, StandardCharsets.UTF_8));
        return this;
    }

    @Override
    public void endWith(ByteBuffer bytes) {
        finish(Unpooled.wrappedBuffer(bytes));
    }

    @Override
    public ServerHttpResponse write(byte[] data, Consumer<Throwable> done) {
        writeChunk(Unpooled.wrappedBuffer(data), done);
        return this;
    }

    @Override
    public CompletionStage<Void> write(byte[] data) {
        CompletableFuture<Void> written = new CompletableFuture<>();
        writeChunk(Unpooled.wrappedBuffer(data), failure -> {
            if (failure == null) {
                written.complete(null);
            } else {
                written.completeExceptionally(failure);
            }
        });
        return written;
    }

    /** The range is mapped, not read: a large file costs no heap. */
    @Override
    public ServerHttpResponse sendFile(String file, long offset, long length) {
        try (FileChannel channel = FileChannel.open(Path.of(file), StandardOpenOption.READ)) {
            long size = length < 0 ? channel.size() - offset : length;
            finish(Unpooled.wrappedBuffer(channel.map(FileChannel.MapMode.READ_ONLY, offset, size)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    @Override
    public OutputStream createResponseOutputStream() {
        return new FastPathOutputStream(this, getDeployment().getResteasyReactiveConfig().getOutputBufferSize());
    }

    @Override
    public ServerHttpResponse addCloseHandler(Runnable onClose) {
        synchronized (this) {
            if (closeHandlers == null) {
                closeHandlers = new ArrayList<>(2);
            }
            closeHandlers.add(onClose);
        }
        return this;
    }

    @Override
    public boolean isWriteQueueFull() {
        return !streamGone && !stream.writable();
    }

    @Override
    public ServerHttpResponse addDrainHandler(Runnable onDrain) {
        drainHandler = onDrain;
        onLoop(() -> {
            if (!windowOpenOrGone()) {
                stream.awaitWritable(this);
            }
        });
        return this;
    }

    /** Vert.x's {@code reset()}: RST_STREAM with NO_ERROR (HTTP/1.1: the connection closes). */
    @Override
    public void reset() {
        reset(Http2Error.NO_ERROR.code());
    }

    @Override
    public void reset(long code) {
        onLoop(() -> {
            if (!streamGone) {
                stream.abort(code);
            }
        });
    }

    // ---- writing, on the loop

    /**
     * The body's last bytes ({@code body} may be null: none). The pre-commit listener (RESTEasy's JAX-RS headers,
     * response filters' changes) runs on the calling thread, where the request runs, before the head is built.
     */
    void finish(ByteBuf body) {
        if (ended) {
            if (body != null) {
                body.release();
            }
            throw new IllegalStateException("the response has already been written");
        }
        try {
            commit();
        } catch (RuntimeException e) {
            if (body != null) {
                body.release();
            }
            throw e;
        }
        ended = true;
        onLoop(() -> {
            if (gone()) {
                if (body != null) {
                    body.release();
                }
                return;
            }
            ByteBuf last = body;
            if (last != null && !last.isReadable()) {
                last.release();
                last = null;
            }
            bodyBytes += last == null ? 0 : last.readableBytes();
            // Counted first: a client may see the end (and the connection's, without keep-alive) before this returns.
            stream.connection().worker.served(method, template, path, status, System.nanoTime() - startNanos);
            stream.end(headWritten ? -1 : status, response, last, chunked);
            headWritten = true;
            stream.flush();
        });
    }

    private void writeChunk(ByteBuf data, Consumer<Throwable> done) {
        if (ended) {
            data.release();
            done.accept(new IllegalStateException("the response has already been written"));
            return;
        }
        try {
            commit();
        } catch (RuntimeException e) {
            data.release();
            throw e;
        }
        onLoop(() -> {
            if (gone()) {
                data.release();
                done.accept(new IOException("stream " + stream.streamId() + " closed"));
                return;
            }
            bodyBytes += data.readableBytes();
            ChannelPromise promise = channel().newPromise();
            promise.addListener(written -> done.accept(written.isSuccess() ? null : written.cause()));
            stream.write(headWritten ? -1 : status, response, data, chunked, promise);
            headWritten = true;
            stream.flush();
        });
    }

    /**
     * @return whether nothing can be written any more: the stream closed, or the connection is closing (its streams
     *         are closed when the channel goes inactive, a moment later; a write before that would be an outbound
     *         connection error)
     */
    private boolean gone() {
        return streamGone || stream.gone();
    }

    /**
     * Runs the pre-commit listener (RESTEasy's: the JAX-RS response's headers) once; the status and headers are fixed
     * from then on. When it fails (a header Vert.x's check refuses: a line break in a value), nothing is written and
     * the response stays open, so that the failure is answered as any other (Quarkus's error page, 500) without the
     * listener, which would fail again. Vert.x's path fails the same way inside its response's end, after the response
     * counts as written, and never answers.
     */
    private void commit() {
        if (committed) {
            return;
        }
        Consumer<ResteasyReactiveRequestContext> listener = preCommit;
        preCommit = null;
        if (listener != null) {
            listener.accept(this);
        }
        committed = true;
    }

    private void onLoop(Runnable task) {
        EventLoop loop = getEventLoop();
        if (loop.inEventLoop()) {
            task.run();
        } else {
            loop.execute(task);
        }
    }

    // ---- events from the connection (loop)

    /** The stream closed: normally after the response, or by a reset or the connection's end. */
    void onStreamClosed() {
        streamGone = true;
        stream.forget(this);
        if (!ended) {
            stream.connection().worker.reset(method, template, path, System.nanoTime() - startNanos);
        }
        List<Runnable> handlers;
        synchronized (this) {
            handlers = closeHandlers;
            closeHandlers = null;
        }
        if (handlers != null) {
            for (Runnable handler : handlers) {
                handler.run();
            }
        }
        if (trace != null && !handedBack) {
            app.tracing().end(vertxContext, trace, (FastPathHttpResponse) routing.response());
        }
        runDrainHandler(); // whoever waits learns of the end by trying to write
    }

    /** @return true once this exchange no longer waits: its drain handler ran, or its stream is gone */
    boolean windowOpenOrGone() {
        if (streamGone) {
            return true;
        }
        if (!stream.writable()) {
            return false;
        }
        runDrainHandler();
        return true;
    }

    /** Runs the drain handler, if one waits, once. */
    private void runDrainHandler() {
        Runnable drain = drainHandler;
        drainHandler = null;
        if (drain != null) {
            drain.run();
        }
    }

    // ---- helpers

    /** HTTP/2 header names are lower case; RESTEasy asks in any case. */
    static CharSequence lowerCase(CharSequence name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                return AsciiString.of(name).toLowerCase();
            }
        }
        return name;
    }

    static List<Map.Entry<String, String>> entries(Http2Headers headers) {
        List<Map.Entry<String, String>> entries = new ArrayList<>(headers.size());
        for (Map.Entry<CharSequence, CharSequence> header : headers) {
            CharSequence name = header.getKey();
            if (name.length() > 0 && name.charAt(0) != ':') {
                entries.add(new AbstractMap.SimpleImmutableEntry<>(name.toString(), header.getValue().toString()));
            }
        }
        return entries;
    }
}

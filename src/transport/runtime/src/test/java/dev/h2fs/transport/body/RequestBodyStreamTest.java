package dev.h2fs.transport.body;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.netty.buffer.Unpooled;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

/**
 * The request body queue against a stand-in for Vert.x's request: the handlers it installs are called as Vert.x would
 * call them, on this thread, and its loop runs tasks at once.
 */
class RequestBodyStreamTest {

    private static final long TIMEOUT = TimeUnit.SECONDS.toNanos(5);

    /** Records what the stream asks of the request and keeps the handlers it installs. */
    private static final class FakeRequest {
        final List<String> calls = new ArrayList<>();
        Handler<Buffer> data;
        Handler<Void> end;
        Handler<Throwable> failure;

        @SuppressWarnings("unchecked")
        HttpServerRequest proxy() {
            return (HttpServerRequest) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] { HttpServerRequest.class }, (self, method, args) -> {
                        switch (method.getName()) {
                            case "isEnded" -> {
                                return false;
                            }
                            case "handler" -> data = (Handler<Buffer>) args[0];
                            case "endHandler" -> end = (Handler<Void>) args[0];
                            case "exceptionHandler" -> failure = (Handler<Throwable>) args[0];
                            case "pause", "resume" -> calls.add(method.getName());
                            default -> throw new UnsupportedOperationException(method.getName());
                        }
                        return self;
                    });
        }
    }

    private final FakeRequest fake = new FakeRequest();
    private final List<String> started = new ArrayList<>();

    private RequestBodyStream stream(long bound) {
        return new RequestBodyStream(fake.proxy(), Runnable::run, () -> started.add("started"), bound, TIMEOUT);
    }

    private static Buffer bytes(int length, int value) {
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) value);
        return Buffer.buffer(Unpooled.wrappedBuffer(b));
    }

    @Test
    void theBodyComesOutInOrderAndEndsAtTheEnd() throws IOException {
        RequestBodyStream body = stream(1 << 20);
        fake.data.handle(bytes(3, 1));
        fake.data.handle(bytes(2, 2));
        fake.end.handle(null);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4];
        int n;
        while ((n = body.read(buf, 0, buf.length)) >= 0) {
            out.write(buf, 0, n);
        }
        assertArrayEquals(new byte[] { 1, 1, 1, 2, 2 }, out.toByteArray());
        assertEquals(List.of("started"), started, "the input is started once, at the first read");
    }

    @Test
    void theRequestIsPausedAtTheBoundAndResumedOnceHalfIsRead() throws IOException {
        RequestBodyStream body = stream(1000);
        fake.calls.clear(); // the take-over pauses first; what follows is the queue's doing
        for (int i = 0; i < 9; i++) {
            fake.data.handle(bytes(100, i));
        }
        assertEquals(List.of(), fake.calls, "below the bound: still receiving");
        fake.data.handle(bytes(100, 9));
        assertEquals(List.of("pause"), fake.calls, "at the bound: paused");
        fake.data.handle(bytes(100, 10)); // already in flight when the pause landed
        assertEquals(List.of("pause"), fake.calls, "paused once");

        byte[] buf = new byte[100];
        for (int i = 0; i < 5; i++) {
            body.read(buf, 0, buf.length);
        }
        assertEquals(List.of("pause"), fake.calls, "600 of 1,000 queued: still paused");
        body.read(buf, 0, buf.length);
        assertEquals(List.of("pause", "resume"), fake.calls, "half read: resumed");
        body.read(buf, 0, buf.length);
        assertEquals(List.of("pause", "resume"), fake.calls, "resumed once");
    }

    @Test
    void aFailureBeforeTheEndFailsTheReadAfterWhatArrived() throws IOException {
        RequestBodyStream body = stream(1 << 20);
        fake.data.handle(bytes(2, 7));
        fake.failure.handle(new IOException("stream reset"));
        byte[] buf = new byte[10];
        assertEquals(2, body.read(buf, 0, buf.length));
        IOException e = assertThrows(IOException.class, () -> body.read(buf, 0, buf.length));
        assertTrue(e.getMessage().contains("stream reset"), e.getMessage());
    }

    @Test
    void closeDropsWhatIsQueuedAndWhatStillArrivesAndStopsTheRequest() {
        RequestBodyStream body = stream(1 << 20);
        fake.data.handle(bytes(10, 1));
        assertEquals(10, body.available());
        fake.calls.clear();
        body.close();
        assertEquals(0, body.available());
        fake.data.handle(bytes(10, 2));
        assertEquals(0, body.available(), "nothing is queued for a reader that is gone");
        assertEquals(List.of("pause"), fake.calls);
        assertThrows(IOException.class, () -> body.read(new byte[1], 0, 1));
    }

    @Test
    void aReadWaitsNoLongerThanTheReadTimeout() {
        RequestBodyStream body = new RequestBodyStream(fake.proxy(), Runnable::run, () -> {
        }, 1 << 20, TimeUnit.MILLISECONDS.toNanos(50));
        IOException e = assertThrows(IOException.class, () -> body.read(new byte[1], 0, 1));
        assertTrue(e.getMessage().contains("no request body received"), e.getMessage());
    }
}

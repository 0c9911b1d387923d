package dev.h2fs.files.tracing;

import java.util.Collection;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;

/**
 * The spans the service ends, as they end: a span processor (a CDI bean, which Quarkus OpenTelemetry adds to its tracer
 * provider) exporting synchronously to a queue. Used only where the SDK is on ({@link TracingProfile}); elsewhere the
 * SDK is off and nothing reaches it.
 * <p>
 * Thread: spans arrive on the thread that ends them; {@link #next} on the test thread.
 */
public class RecordedSpans {

    private static final BlockingQueue<SpanData> ENDED = new LinkedBlockingQueue<>();

    @Produces
    @Singleton
    SpanProcessor recorder() {
        return SimpleSpanProcessor.create(new SpanExporter() {
            @Override
            public CompletableResultCode export(Collection<SpanData> spans) {
                ENDED.addAll(spans);
                return CompletableResultCode.ofSuccess();
            }

            @Override
            public CompletableResultCode flush() {
                return CompletableResultCode.ofSuccess();
            }

            @Override
            public CompletableResultCode shutdown() {
                return CompletableResultCode.ofSuccess();
            }
        });
    }

    /** @return the next span ended, waiting up to 10 seconds; null if none */
    static SpanData next() throws InterruptedException {
        return ENDED.poll(10, TimeUnit.SECONDS);
    }

    static void clear() {
        ENDED.clear();
    }
}

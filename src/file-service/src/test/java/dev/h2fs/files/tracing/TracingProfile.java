package dev.h2fs.files.tracing;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** The SDK on, every trace kept, no exporter but {@link RecordedSpans}. */
public class TracingProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "quarkus.otel.sdk.disabled", "false",
                "quarkus.otel.traces.exporter", "none",
                "quarkus.otel.traces.sampler.arg", "1.0");
    }
}

package dev.h2fs.transport.quarkus;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Proxy;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.quarkus.runtime.configuration.ConfigurationException;
import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.smallrye.config.WithDefault;

import dev.h2fs.transport.TransportConfig;

/**
 * {@link TransportConfigCheck} against configurations built from property strings by a small test double (see
 * {@link #config}); no Quarkus application is started.
 */
class TransportConfigCheckTest {

    @Test
    void theDefaultsPass() {
        assertDoesNotThrow(() -> TransportConfigCheck.validate(config()));
    }

    @Test
    void aSubSecondRstFloodWindowIsRejectedNamingTheKey() {
        ConfigurationException e = rejected("http2.rst-flood-window", "500ms");
        assertEquals(Set.of("h2fs.transport.http2.rst-flood-window"), e.getConfigKeys());
        assertTrue(e.getMessage().contains("h2fs.transport.http2.rst-flood-window=500ms"), e.getMessage());
        assertTrue(e.getMessage().contains("whole seconds"), e.getMessage());
        assertTrue(e.getMessage().contains("CVE-2023-44487"), e.getMessage());
    }

    @Test
    void aFractionalRstFloodWindowIsRejectedRatherThanTruncated() {
        assertRejected("http2.rst-flood-window", "1500ms");
        assertDoesNotThrow(() -> TransportConfigCheck.validate(config("http2.rst-flood-window", "1S")));
    }

    @Test
    void anRstFloodWindowBeyondAnIntOfSecondsIsRejected() {
        assertRejected("http2.rst-flood-window", "PT" + (Integer.MAX_VALUE + 1L) + "S");
        assertDoesNotThrow(() -> TransportConfigCheck.validate(config("http2.rst-flood-window",
                "PT" + Integer.MAX_VALUE + "S")));
    }

    @Test
    void zeroDoesNotSwitchTheHttp2FloodDefencesOff() {
        ConfigurationException e = rejected("http2.rst-flood-max-per-window", "0", "http2.rst-flood-window", "0S",
                "http2.max-small-continuation-frames", "0");
        assertEquals(Set.of("h2fs.transport.http2.rst-flood-max-per-window", "h2fs.transport.http2.rst-flood-window",
                "h2fs.transport.http2.max-small-continuation-frames"), e.getConfigKeys());
    }

    @Test
    void negativeDurationsAreRejected() {
        for (String key : new String[] { "idle-timeout", "drain-timeout", "shutdown-delay", "stall-timeout",
                "guard.request-header-timeout", "guard.write-stall-timeout", "tls.handshake-timeout",
                "http2.rst-flood-window", "lingering-close-time" }) {
            assertRejected(key, "-1S");
        }
    }

    @Test
    void zeroIsAcceptedWhereItIsDocumentedButNowhereElse() {
        assertDoesNotThrow(() -> TransportConfigCheck.validate(config("port", "0", "threads", "0", "idle-timeout",
                "0S", "drain-timeout", "0S", "guard.request-header-timeout", "0S", "guard.write-stall-timeout",
                "0S", "lingering-close-time", "0S")));
        ConfigurationException e = rejected("queue-capacity", "0", "indirect-table-size", "0", "accept-backlog", "0",
                "max-body-size", "0", "stall-timeout", "0S", "tls.handshake-timeout", "0S",
                "http2.max-concurrent-streams", "0", "http2.initial-window-size", "0", "http2.max-header-list-size",
                "0",
                "http2.max-streams-per-worker", "0");
        assertEquals(10, e.getConfigKeys().size(), e.getMessage());
    }

    @Test
    void aWriteBufferHighWaterMarkOutside1KTo1GIsRejected() {
        assertRejected("write-buffer-high-water-mark", "1023");
        assertRejected("write-buffer-high-water-mark", "2G");
        assertDoesNotThrow(() -> TransportConfigCheck.validate(config("write-buffer-high-water-mark", "1K")));
        assertDoesNotThrow(() -> TransportConfigCheck.validate(config("write-buffer-high-water-mark", "1G")));
    }

    @Test
    void aConnectionLimitOfZeroIsRejected() {
        assertRejected("max-connections", "0");
    }

    @Test
    void aPortOutside0To65535IsRejected() {
        assertRejected("port", "65536");
        assertRejected("port", "-1");
        assertDoesNotThrow(() -> TransportConfigCheck.validate(config("port", "65535")));
    }

    @Test
    void negativeThreadsAreRejected() {
        assertRejected("threads", "-1");
    }

    @Test
    void aQueueLargerThanJctoolsBuildsIsRejected() {
        assertRejected("queue-capacity", Integer.toString((1 << 30) + 1));
    }

    @Test
    void http2SettingsOutsideRfc9113RangesAreRejected() {
        assertRejected("http2.max-frame-size", "16383");
        assertRejected("http2.max-frame-size", "16777216");
        assertRejected("http2.initial-window-size", "-1");
        assertRejected("http2.max-concurrent-streams", "4294967296");
        assertRejected("http2.max-header-list-size", "4294967296");
        assertDoesNotThrow(() -> TransportConfigCheck.validate(config("http2.max-frame-size", "16777215",
                "http2.initial-window-size", Integer.toString(Integer.MAX_VALUE), "http2.max-concurrent-streams",
                "4294967295", "http2.max-header-list-size", "4294967295")));
    }

    @Test
    void anUploadWindowAnHttp2WindowCannotHoldIsRejected() {
        assertRejected("http2.upload-window-size", "0");
        assertRejected("http2.upload-window-size", "2G");
        assertDoesNotThrow(() -> TransportConfigCheck.validate(config("http2.upload-window-size",
                Integer.toString(Integer.MAX_VALUE), "http2.upload-window-budget", "0")));
    }

    @Test
    void aHandshakeTimeoutThatMillisecondsCannotHoldIsRejected() {
        assertRejected("tls.handshake-timeout", "PT0.0005S"); // Vert.x would make it 0 ms: no timeout at all
        assertRejected("tls.handshake-timeout", "PT1.0005S");
        assertDoesNotThrow(() -> TransportConfigCheck.validate(config("tls.handshake-timeout", "1ms")));
    }

    @Test
    void aLingeringCloseTimeAboveAMinuteIsRejected() {
        ConfigurationException e = rejected("lingering-close-time", "61S");
        assertTrue(e.getMessage().contains("h2fs.transport.lingering-close-time=61s: must be between 0s and 60s"),
                e.getMessage());
        assertDoesNotThrow(() -> TransportConfigCheck.validate(config("lingering-close-time", "60S")));
        assertDoesNotThrow(() -> TransportConfigCheck.validate(config("lingering-close-time", "250ms")));
    }

    @Test
    void aStallTimeoutShorterThanFourHeartbeatsIsRejected() {
        Duration shortest = TransportLifecycle.heartbeatPeriod(Duration.ZERO).multipliedBy(4);
        assertRejected("stall-timeout", shortest.minusMillis(1).toMillis() + "ms");
        assertDoesNotThrow(() -> TransportConfigCheck.validate(config("stall-timeout", shortest.toMillis() + "ms")));
    }

    @Test
    void aDurationTooLongForNanosecondsIsRejected() {
        // GuardLimits counts in nanoseconds: Duration.toNanos() would throw ArithmeticException deep in start-up.
        assertRejected("idle-timeout", "PT2562048H");
        assertRejected("guard.write-stall-timeout", "PT2562048H");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        ConfigurationException e = rejected("port", "70000", "http2.rst-flood-window", "500ms",
                "guard.request-header-timeout", "-5S", "max-body-size", "0");
        Set<String> keys = Set.of("h2fs.transport.port", "h2fs.transport.http2.rst-flood-window",
                "h2fs.transport.guard.request-header-timeout", "h2fs.transport.max-body-size");
        assertEquals(keys, e.getConfigKeys());
        for (String key : keys) {
            assertEquals(1, e.getMessage().lines().filter(line -> line.contains(key + "=")).count(), e.getMessage());
        }
    }

    private static void assertRejected(String key, String value) {
        ConfigurationException e = rejected(key, value);
        assertEquals(Set.of("h2fs.transport." + key), e.getConfigKeys(), e.getMessage());
        assertTrue(e.getMessage().contains("h2fs.transport." + key + "="), e.getMessage());
    }

    private static ConfigurationException rejected(String... keysAndValues) {
        TransportConfig config = config(keysAndValues);
        return assertThrows(ConfigurationException.class, () -> TransportConfigCheck.validate(config));
    }

    /**
     * A {@link TransportConfig} as Quarkus would map it from properties: each method answers the value given for its
     * key, else its {@code @WithDefault}, converted with Quarkus's own converters (so {@code 500ms} is the duration
     * Quarkus makes of it, and the defaults tested are the annotations themselves).
     *
     * @param keysAndValues pairs of a key without {@code h2fs.transport.} and its value, as in a properties file
     */
    private static TransportConfig config(String... keysAndValues) {
        Map<String, String> properties = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            properties.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        Set<String> known = new HashSet<>();
        TransportConfig config = mapping(TransportConfig.class, "", properties, known);
        assertTrue(known.containsAll(properties.keySet()), "unknown key in " + properties.keySet());
        return config;
    }

    private static <T> T mapping(Class<T> type, String prefix, Map<String, String> properties, Set<String> known) {
        Map<String, Object> values = new HashMap<>();
        for (Method method : type.getMethods()) {
            String key = prefix + kebab(method.getName());
            Class<?> returned = method.getReturnType();
            if (returned.isInterface() && returned.getEnclosingClass() == TransportConfig.class) {
                values.put(method.getName(), mapping(returned, key + ".", properties, known));
                continue;
            }
            known.add(key);
            String value = properties.get(key);
            WithDefault fallback = method.getAnnotation(WithDefault.class);
            if (returned == Optional.class) {
                Type element = ((ParameterizedType) method.getGenericReturnType()).getActualTypeArguments()[0];
                values.put(method.getName(),
                        value == null ? Optional.empty() : Optional.of(convert((Class<?>) element, value)));
            } else {
                assertTrue(value != null || fallback != null, key + " has no default");
                values.put(method.getName(), convert(returned, value != null ? value : fallback.value()));
            }
        }
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] { type },
                (proxy, method, args) -> method.getDeclaringClass() == Object.class
                        ? method.invoke(values, args)
                        : values.get(method.getName())));
    }

    private static Object convert(Class<?> type, String value) {
        if (type == boolean.class) {
            return Boolean.parseBoolean(value);
        } else if (type == int.class || type == Integer.class) {
            return Integer.parseInt(value);
        } else if (type == long.class) {
            return Long.parseLong(value);
        } else if (type == String.class) {
            return value;
        } else if (type == Duration.class) {
            return new DurationConverter().convert(value);
        } else if (type == MemorySize.class) {
            return new MemorySizeConverter().convert(value);
        } else if (type == Path.class) {
            return Path.of(value);
        } else if (type.isEnum()) {
            for (Object constant : type.getEnumConstants()) {
                if (((Enum<?>) constant).name().equalsIgnoreCase(value.replace('-', '_'))) {
                    return constant;
                }
            }
        }
        throw new IllegalArgumentException("cannot convert " + value + " to " + type);
    }

    /** @return {@code rstFloodWindow} as {@code rst-flood-window}, SmallRye's default naming */
    private static String kebab(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }
}

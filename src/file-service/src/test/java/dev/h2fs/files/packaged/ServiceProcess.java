package dev.h2fs.files.packaged;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged service as a child process, the way it runs in a container: environment variables in, log lines out,
 * SIGTERM to stop. Used by tests that need what a {@code @QuarkusTest} cannot do, such as stopping the server in the
 * middle of a request. The artifact is the one the build produced, as {@code @QuarkusIntegrationTest} finds it
 * ({@code target/quarkus-artifact.properties}): {@code java -jar target/quarkus-app/quarkus-run.jar}, or with
 * {@code -Dnative} the executable {@code target/*-runner}, which takes the same {@code -D} options.
 *
 * <p>Confined to the test thread, except the log pump.
 */
final class ServiceProcess implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("Listening on: (https?)://[^:]*:(\\d+)");
    private static final Path TARGET = Path.of("target").toAbsolutePath();

    private final Process process;
    private final List<String> output = new ArrayList<>();
    private final CountDownLatch listening = new CountDownLatch(1);
    private final Thread pump;
    private volatile int port = -1;

    private ServiceProcess(Process process) {
        this.process = process;
        this.pump = new Thread(this::pump, "service-log");
        pump.setDaemon(true);
        pump.start();
    }

    /** Starts the jar with {@code env} added to this environment; port 0 unless {@code env} says otherwise. */
    static ServiceProcess start(Map<String, String> env, String... systemProperties) throws IOException {
        return start(command(systemProperties), env);
    }

    /**
     * As {@link #start}, under a file descriptor limit of {@code fds}, set as an operator would: {@code sh -c 'ulimit
     * -n ..; exec java ..'} (exec, so that SIGTERM reaches the JVM).
     */
    static ServiceProcess startWithFdLimit(int fds, Map<String, String> env, String... systemProperties)
            throws IOException {
        StringBuilder script = new StringBuilder("ulimit -n " + fds + " && exec");
        for (String arg : command(systemProperties)) {
            script.append(" '").append(arg.replace("'", "'\\''")).append('\'');
        }
        return start(List.of("sh", "-c", script.toString()), env);
    }

    /** @return whether the build produced a native executable (then the tests run it instead of the jar) */
    static boolean isNative() {
        return "native".equals(artifact().getProperty("type"));
    }

    private static List<String> command(String... systemProperties) {
        Properties artifact = artifact();
        Path path = TARGET.resolve(artifact.getProperty("path", "quarkus-app/quarkus-run.jar"));
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException(path + " is missing: these tests run after `package` (mvnw verify)");
        }
        List<String> command = new ArrayList<>();
        if (isNative()) {
            command.add(path.toString());
        } else {
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        }
        command.add("-Dh2fs.transport.port=0");
        command.addAll(List.of(systemProperties));
        if (!isNative()) {
            command.addAll(List.of("-jar", path.toString()));
        }
        return command;
    }

    private static Properties artifact() {
        Properties artifact = new Properties();
        Path file = TARGET.resolve("quarkus-artifact.properties");
        if (Files.isRegularFile(file)) {
            try (var in = Files.newInputStream(file)) {
                artifact.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return artifact;
    }

    private static ServiceProcess start(List<String> command, Map<String, String> env) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        return new ServiceProcess(builder.start());
    }

    private void pump() {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                synchronized (output) {
                    output.add(line);
                }
                Matcher m = LISTENING.matcher(line);
                if (m.find()) {
                    port = Integer.parseInt(m.group(2));
                    listening.countDown();
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    /** Waits until the service logs its port. */
    int awaitPort() throws InterruptedException {
        if (!listening.await(60, TimeUnit.SECONDS)) {
            throw new AssertionError("service did not start:\n" + output());
        }
        return port;
    }

    /** SIGTERM, as Kubernetes and Docker send it. */
    void terminate() {
        process.destroy();
    }

    /** @return the exit code, or throws if the process is still running after {@code seconds} */
    int awaitExit(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            throw new AssertionError("service still running after " + seconds + " s:\n" + output());
        }
        pump.join(5_000); // the last lines may still be on their way through the pipe
        return process.exitValue();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String output() {
        synchronized (output) {
            return String.join("\n", output);
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}

package dev.h2fs.transport.deployment;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.stream.Collectors;

import org.jboss.shrinkwrap.api.asset.StringAsset;

import io.quarkus.test.QuarkusDevModeTest;

/**
 * What the dev-mode tests share: a dev-mode session of an application with {@link DevModeResource} on a fixed port
 * (a dev-mode test cannot ask the application which port it bound), and ways to look at the transport's threads.
 * <p>
 * Thread: the test thread.
 */
final class DevModeSession {

    private DevModeSession() {
    }

    /** A port that was free a moment ago. */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A dev-mode session serving {@link DevModeResource} on {@code port}, plus the given extra properties. */
    static QuarkusDevModeTest on(int port, String... properties) {
        StringBuilder config = new StringBuilder("h2fs.transport.port=" + port + "\n");
        for (String property : properties) {
            config.append(property).append('\n');
        }
        return new QuarkusDevModeTest().withApplicationRoot(jar -> jar.addClasses(DevModeResource.class)
                .addAsResource(new StringAsset(config.toString()), "application.properties"));
    }

    /** Names of the live threads of every transport in this JVM (acceptor, workers), sorted, repeats kept. */
    static List<String> transportThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> name.startsWith("h2fs-")).sorted().collect(Collectors.toList());
    }

    /** Waits until {@code path} on a fresh HTTP/1.1 connection answers a body containing {@code expected}. */
    static String awaitBody(int port, String path, String expected) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        String last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = RawHttp.get(RawHttp.connect(port), path);
            } catch (IOException refused) {
                last = "connect failed: " + refused;
            }
            if (last != null && last.contains(expected)) {
                return last;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no '" + expected + "' from " + path + " within 60 s; last answer: " + last);
    }
}

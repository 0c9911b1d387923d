package dev.h2fs.files.attack;

import static dev.h2fs.files.attack.RawH2.DATA;
import static dev.h2fs.files.attack.RawH2.END_STREAM;
import static dev.h2fs.files.attack.RawH2.ENHANCE_YOUR_CALM;
import static dev.h2fs.files.attack.RawH2.GOAWAY;
import static dev.h2fs.files.attack.RawH2.HEADERS;
import static dev.h2fs.files.attack.RawH2.PING;
import static dev.h2fs.files.attack.RawH2.SETTINGS_INITIAL_WINDOW_SIZE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.h2fs.files.TestFiles;
import dev.h2fs.transport.quarkus.TransportLifecycle;

/**
 * Zero-window and non-reading clients against {@code h2fs.transport.guard.write-stall-timeout} (2 s in
 * {@link AttackProfile}; default 30 s): response bytes that make no progress for that long close the connection, so
 * nobody holds a connection, its buffers and its mapped file forever. A client that reads slowly but steadily is left
 * alone.
 * <p>
 * Heap (measured): zero-window h2 ~+0.1 MiB while stalled (the body is a mapped slice, off heap), ~0 after; the
 * non-reading HTTP/1.1 client of a 12 MiB file likewise (the mapped buffer sits in the outbound buffer, off heap).
 */
@QuarkusTest
@TestProfile(AttackProfile.class)
class SlowReaderTest {

    @TestHTTPResource("/")
    URL base;

    @Inject
    TransportLifecycle transport;

    @ConfigProperty(name = "h2fs.files.dir")
    Path storeDir;

    @Test
    void zeroWindowReaderIsClosedAfterTheWriteStallTimeout() throws Exception {
        try (WellBehavedClient bystander = new WellBehavedClient(base)) {
            String path = bystander.path();
            bystander.assertServed();
            HeapProbe heap = new HeapProbe("zero-window reader");
            long stallsBefore = GuardCounters.writeStalls(transport);
            // Connected only now: a connection left silent through the set-up above (an upload, two downloads, the
            // heap probe's collections) met the 2 s request head timeout on a busy machine and was closed unserved.
            try (RawH2 attacker = new RawH2(base.getHost(), base.getPort())) {
                attacker.preface().settings(SETTINGS_INITIAL_WINDOW_SIZE, 0);
                attacker.get(1, path, true);
                assertNotNull(attacker.readUntil(f -> f.type() == HEADERS && f.stream() == 1, 5_000));
                long start = System.nanoTime();
                // A PING every 250 ms: the connection is never idle and the socket keeps moving (PING ACKs), only the
                // DATA is stuck. The guard must still see the stall.
                RawH2.Frame goAway = null;
                boolean measured = false;
                while (millisSince(start) < 10_000) {
                    attacker.ping(7);
                    RawH2.Frame f = attacker.readUntil(x -> x.type() == PING || x.type() == GOAWAY, 1_000);
                    if (f == null || f.type() == GOAWAY) {
                        goAway = f;
                        break;
                    }
                    if (!measured && millisSince(start) > 1_000) {
                        heap.sample("stalled, connection open");
                        bystander.assertServed();
                        measured = true;
                    }
                    Thread.sleep(250);
                }
                long elapsed = millisSince(start);
                assertNotNull(goAway, "closed without GOAWAY after " + elapsed + " ms");
                assertEquals(ENHANCE_YOUR_CALM, goAway.errorCode());
                assertTrue(attacker.closedWithin(5_000));
                assertTrue(elapsed >= AttackProfile.WRITE_STALL_TIMEOUT_MILLIS - AttackProfile.HEARTBEAT_MILLIS,
                        "closed too early: " + elapsed + " ms");
                assertTrue(
                        elapsed < AttackProfile.WRITE_STALL_TIMEOUT_MILLIS + 4 * AttackProfile.HEARTBEAT_MILLIS + 1_000,
                        "closed too late: " + elapsed + " ms");
                assertEquals(stallsBefore + 1, GuardCounters.writeStalls(transport));
                bystander.assertServed();
                long after = heap.sample("after the close");
                assertTrue(after < HeapProbe.BOUND, "heap grew by " + after);
            }
        }
    }

    @Test
    void slowButSteadyReaderIsNotCutOff() throws Exception {
        try (WellBehavedClient bystander = new WellBehavedClient(base);
                RawH2 reader = new RawH2(base.getHost(), base.getPort())) {
            String path = bystander.path();
            reader.preface().settings(SETTINGS_INITIAL_WINDOW_SIZE, 0);
            reader.get(1, path, true);
            long start = System.nanoTime();
            long received = 0;
            boolean ended = false;
            // 8 KiB every 300 ms: about 4 s for the 100,000 bytes, twice the stall timeout, always moving.
            while (!ended) {
                reader.windowUpdate(1, 8_192).windowUpdate(0, 8_192);
                long want = Math.min(100_000, received + 8_192);
                while (received < want && !ended) {
                    RawH2.Frame f = reader.readUntil(x -> x.type() == DATA || x.type() == GOAWAY, 5_000);
                    assertNotNull(f, "closed after " + received + " bytes");
                    assertTrue(f.type() == DATA, "GOAWAY after " + received + " bytes");
                    received += f.payload().length;
                    ended = (f.flags() & END_STREAM) != 0;
                }
                Thread.sleep(300);
            }
            assertEquals(100_000, received);
            assertTrue(millisSince(start) > AttackProfile.WRITE_STALL_TIMEOUT_MILLIS, "too fast to prove anything");
            RapidResetTest.assertAlive(reader);
        }
    }

    @Test
    void nonReadingHttp1ClientIsClosedAfterTheWriteStallTimeout() throws Exception {
        String name = TestFiles.name("big");
        Files.write(storeDir.resolve(name), TestFiles.bytes(12 << 20, 12)); // more than the socket buffers hold
        HeapProbe heap = new HeapProbe("non-reading HTTP/1.1 client, 12 MiB file");
        long stallsBefore = GuardCounters.writeStalls(transport);
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(4_096);
            socket.connect(new InetSocketAddress(base.getHost(), base.getPort()));
            socket.getOutputStream().write(("GET /files/" + name + " HTTP/1.1\r\nHost: x\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            long start = System.nanoTime();
            byte[] statusLine = socket.getInputStream().readNBytes(12);
            assertEquals("HTTP/1.1 200", new String(statusLine, StandardCharsets.US_ASCII));
            while (GuardCounters.writeStalls(transport) == stallsBefore && millisSince(start) < 10_000) {
                Thread.sleep(50);
            }
            long elapsed = millisSince(start);
            assertEquals(stallsBefore + 1, GuardCounters.writeStalls(transport), "no stall seen in " + elapsed + " ms");
            assertTrue(elapsed >= AttackProfile.WRITE_STALL_TIMEOUT_MILLIS - AttackProfile.HEARTBEAT_MILLIS,
                    "closed too early: " + elapsed + " ms");
            long during = heap.sample("closed by the guard");
            // What reached our socket buffer is readable, then the connection ends well short of 12 MiB.
            assertTrue(drain(socket) < 12 << 20, "the whole file arrived: no stall?");
            assertTrue(during < HeapProbe.BOUND, "heap grew by " + during);
        } finally {
            Files.deleteIfExists(storeDir.resolve(name));
        }
    }

    private static long drain(Socket socket) throws IOException {
        socket.setSoTimeout(5_000);
        InputStream in = socket.getInputStream();
        byte[] buf = new byte[65_536];
        long total = 0;
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                total += n;
            }
        } catch (java.net.SocketException reset) {
            // the server closed with our request's bytes unread: a reset, as good as an end
        }
        return total;
    }

    static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}

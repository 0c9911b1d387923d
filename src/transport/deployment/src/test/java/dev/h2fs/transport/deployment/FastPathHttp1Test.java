package dev.h2fs.transport.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Socket;
import java.util.concurrent.CompletableFuture;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;
import io.smallrye.common.annotation.NonBlocking;

import dev.h2fs.transport.TransportServer;
import dev.h2fs.transport.deployment.Http1Replies.Reply;
import dev.h2fs.transport.quarkus.TransportLifecycle;

/**
 * Body-less HTTP/1.1 REST requests take the fast path too, on keep-alive connections, pipelined or not: answered in the
 * order they came whichever path serves each, with the connection kept or closed as Vert.x would; what Vert.x's
 * HTTP/1.x connection does by itself (HTTP/1.0, {@code Expect}, a body, a missing {@code Host}) stays with Vert.x.
 */
class FastPathHttp1Test {

    @RegisterExtension
    static final QuarkusUnitTest TEST = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(ThreadResource.class, HeldResource.class,
                    SequenceResource.class, Http1Replies.class, RawHttp.class))
            .overrideConfigKey("h2fs.transport.port", "0")
            .overrideConfigKey("h2fs.transport.threads", "1");

    /** Test resource: answers with the number in its path, so that the order of answers can be read. */
    @Path("/sequence")
    public static class SequenceResource {
        @GET
        @Path("/{n}")
        @NonBlocking
        public String number(@PathParam("n") String n) {
            return n;
        }
    }

    @Inject
    TransportLifecycle lifecycle;

    private int port() {
        return lifecycle.server().boundAddress().getPort();
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderWhicheverPathServesThem() throws Exception {
        TransportServer server = lifecycle.server();
        long before = served(server);
        try (Socket socket = RawHttp.connect(port())) {
            Http1Replies replies = new Http1Replies(socket);
            replies.send(Http1Replies.request("GET", "/thread/blocking")
                    + Http1Replies.request("GET", "/thread/non-blocking")
                    + Http1Replies.request("GET", "/sequence/3")
                    + Http1Replies.request("HEAD", "/sequence/4")
                    + Http1Replies.request("DELETE", "/sequence/5")
                    + Http1Replies.request("GET", "/no-such-resource")
                    + Http1Replies.request("GET", "/q/health/live")
                    + Http1Replies.request("GET", "/sequence/8"));
            Reply blocking = replies.next();
            assertEquals(200, blocking.status());
            assertTrue(blocking.body().startsWith("executor-thread-"), blocking.body());
            Reply nonBlocking = replies.next();
            assertEquals(200, nonBlocking.status());
            assertTrue(nonBlocking.body().startsWith("h2fs-worker-"), nonBlocking.body());
            assertEquals("3", replies.next().body());
            Reply head = replies.next(true);
            assertEquals(200, head.status());
            assertNull(head.header("connection"), "kept alive");
            assertEquals(405, replies.next().status());
            assertEquals(404, replies.next().status());
            Reply health = replies.next();
            assertEquals(200, health.status());
            assertTrue(health.body().contains("\"UP\""), health.body());
            assertEquals("8", replies.next().body());
            // The connection is the fast path's again once Vert.x has answered what it was given.
            replies.send(Http1Replies.request("GET", "/sequence/9"));
            assertEquals("9", replies.next().body());
        }
        // Behind a request Vert.x serves, what is pipelined goes to Vert.x too until it has answered (here: 8).
        assertEquals(6, served(server) - before, "blocking, non-blocking, 3, HEAD 4, the 405 of 5, and 9");
    }

    @Test
    void manyPipelinedRequestsBehindAHeldOneAreAllAnsweredInOrder() throws Exception {
        HeldResource.release = new CompletableFuture<>();
        int behind = 256; // four times what waits before the connection stops reading (64 messages)
        try (Socket socket = RawHttp.connect(port())) {
            Http1Replies replies = new Http1Replies(socket);
            StringBuilder requests = new StringBuilder(Http1Replies.request("GET", "/held"));
            for (int i = 0; i < behind; i++) {
                requests.append(Http1Replies.request("GET", "/sequence/" + i));
            }
            replies.send(requests.toString());
            Thread.sleep(200); // the pipelined requests arrive and wait behind the held one
            HeldResource.release.complete("released");
            assertEquals("released", replies.next().body());
            for (int i = 0; i < behind; i++) {
                assertEquals(String.valueOf(i), replies.next().body());
            }
        }
    }

    /**
     * A client that hangs up while its request is served ends that exchange only: the answer that comes later is
     * dropped (not counted as served), what waited behind it is released, and the next connection is served.
     */
    @Test
    void aClientThatHangsUpWhileItsRequestIsServedEndsOnlyThatExchange() throws Exception {
        TransportServer server = lifecycle.server();
        HeldResource.release = new CompletableFuture<>();
        int arrived = HeldResource.ARRIVED.get();
        long before = served(server);
        try (Socket socket = RawHttp.connect(port())) {
            new Http1Replies(socket).send(Http1Replies.request("GET", "/held") + Http1Replies.request("GET",
                    "/sequence/1"));
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (HeldResource.ARRIVED.get() == arrived && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(arrived + 1, HeldResource.ARRIVED.get(), "the held request reached its method");
        }
        Thread.sleep(200); // the server sees the hang-up
        HeldResource.release.complete("too late");
        try (Socket socket = RawHttp.connect(port())) {
            Http1Replies replies = new Http1Replies(socket);
            replies.send(Http1Replies.request("GET", "/sequence/2"));
            assertEquals("2", replies.next().body());
        }
        assertEquals(1, served(server) - before, "only the request of the second connection was answered");
    }

    @Test
    void connectionCloseIsAnsweredThenTheConnectionCloses() throws Exception {
        TransportServer server = lifecycle.server();
        long before = served(server);
        try (Socket socket = RawHttp.connect(port())) {
            Http1Replies replies = new Http1Replies(socket);
            replies.send(Http1Replies.request("GET", "/sequence/1", "Connection: close")
                    + Http1Replies.request("GET", "/sequence/2"));
            Reply reply = replies.next();
            assertEquals("1", reply.body());
            assertEquals("close", reply.header("connection"));
            assertTrue(replies.closedByServer(), "closed after the response, the next request unanswered");
        }
        assertEquals(1, served(server) - before);
    }

    @Test
    void whatVertxsConnectionDoesItselfStaysOnVertx() throws Exception {
        TransportServer server = lifecycle.server();
        long before = served(server);
        try (Socket socket = RawHttp.connect(port())) {
            Http1Replies replies = new Http1Replies(socket);
            replies.send(Http1Replies.request("GET", "/sequence/1", "Expect: 100-continue")
                    + Http1Replies.request("GET", "/sequence/2", "Content-Length: 0")
                    + Http1Replies.request("GET", "/sequence/3", "Transfer-Encoding: chunked") + "0\r\n\r\n"
                    + "GET http://localhost/sequence/4 HTTP/1.1\r\nHost: localhost\r\n\r\n");
            for (int i = 1; i <= 4; i++) {
                Reply reply = replies.next();
                assertEquals(200, reply.status(), "request " + i);
                assertEquals(String.valueOf(i), reply.body());
            }
        }
        try (Socket socket = RawHttp.connect(port())) {
            Http1Replies replies = new Http1Replies(socket);
            replies.send("GET /sequence/5 HTTP/1.0\r\nHost: localhost\r\n\r\n");
            assertEquals("5", replies.next().body());
        }
        try (Socket socket = RawHttp.connect(port())) {
            Http1Replies replies = new Http1Replies(socket);
            replies.send("GET /sequence/6 HTTP/1.1\r\n\r\n");
            assertEquals(400, replies.next().status(), "HTTP/1.1 without Host: Vert.x's answer");
        }
        assertEquals(0, served(server) - before);
    }

    private static long served(TransportServer server) {
        long sum = 0;
        for (int id = 0; id < server.workers().size(); id++) {
            sum += server.fastPathServed(id);
        }
        return sum;
    }
}

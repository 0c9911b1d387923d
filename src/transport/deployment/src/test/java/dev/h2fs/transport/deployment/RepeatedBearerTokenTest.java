package dev.h2fs.transport.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.quarkus.test.QuarkusUnitTest;

import dev.h2fs.transport.TransportServer;
import dev.h2fs.transport.quarkus.TransportLifecycle;

/**
 * A client that sends its bearer token on every request of a connection as nghttp2 does (curl, h2load: the field never
 * indexed, its value Huffman-coded), over a real socket: from the second request on the transport hands Netty the
 * remembered token as plain octets, and each request's resource still receives exactly the token that request carried,
 * including a different token of the same length between two uses of the first (attack: a token taken for the
 * remembered one). All on the fast path.
 */
class RepeatedBearerTokenTest {

    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int DATA = 0x0;
    private static final int HEADERS = 0x1;
    private static final int SETTINGS = 0x4;
    private static final int END_STREAM = 0x1;
    private static final int END_HEADERS = 0x4;

    @RegisterExtension
    static final QuarkusUnitTest TEST = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(AuthorizationEchoResource.class))
            .overrideConfigKey("h2fs.transport.port", "0")
            .overrideConfigKey("h2fs.transport.threads", "1");

    @Inject
    TransportLifecycle lifecycle;

    @Test
    void eachRequestReceivesTheTokenItCarriedWhenTheSameTokenRepeats() throws Exception {
        TransportServer server = lifecycle.server();
        String a = "Bearer " + "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.".repeat(20);
        String b = a.substring(0, a.length() - 1) + "-"; // '.' and '-': Huffman codes of the same length
        List<String> sent = List.of(a, a, a, b, a, a);
        long before = server.fastPathServed(0);
        DefaultHttp2HeadersEncoder nghttp2 = new DefaultHttp2HeadersEncoder(
                (name, value) -> "authorization".contentEquals(name), false, 64, 0);
        List<String> received = new ArrayList<>();
        try (Socket socket = new Socket("127.0.0.1", server.boundAddress().getPort())) {
            socket.setSoTimeout(10_000);
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            out.write(PREFACE);
            out.write(frame(SETTINGS, 0, 0, Unpooled.EMPTY_BUFFER));
            int streamId = 1;
            for (String token : sent) {
                ByteBuf block = Unpooled.buffer();
                nghttp2.encodeHeaders(streamId, new DefaultHttp2Headers().method("GET").scheme("http")
                        .authority("localhost").path("/echo-authorization").add("authorization", token), block);
                out.write(frame(HEADERS, END_HEADERS | END_STREAM, streamId, block)); // one request per read
                out.flush();
                received.add(body(in, streamId));
                streamId += 2;
            }
        }
        assertEquals(sent, received);
        assertEquals(sent.size(), server.fastPathServed(0) - before, "all on the fast path (one worker)");
    }

    /** @return the body of the response on {@code streamId}: its DATA frames up to END_STREAM */
    private static String body(DataInputStream in, int streamId) throws IOException {
        StringBuilder body = new StringBuilder();
        while (true) {
            int length = in.readUnsignedByte() << 16 | in.readUnsignedShort();
            int type = in.readUnsignedByte();
            int flags = in.readUnsignedByte();
            int stream = in.readInt() & Integer.MAX_VALUE;
            byte[] payload = new byte[length];
            in.readFully(payload);
            if (stream != streamId) {
                continue; // SETTINGS, WINDOW_UPDATE, ...
            }
            if (type == DATA) {
                body.append(new String(payload, StandardCharsets.US_ASCII));
            }
            if ((type == DATA || type == HEADERS) && (flags & END_STREAM) != 0) {
                return body.toString();
            }
        }
    }

    private static byte[] frame(int type, int flags, int streamId, ByteBuf payload) {
        ByteBuf frame = Unpooled.buffer(9 + payload.readableBytes());
        frame.writeMedium(payload.readableBytes()).writeByte(type).writeByte(flags).writeInt(streamId)
                .writeBytes(payload);
        byte[] bytes = new byte[frame.readableBytes()];
        frame.readBytes(bytes);
        frame.release();
        return bytes;
    }
}

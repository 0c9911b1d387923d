package dev.h2fs.transport.drain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * A close asked from above an HTTP/1.x connection (as Vert.x does when Quarkus closes connections on a dev-mode
 * reload) waits for the response in flight, which tells the client {@code Connection: close}; an idle connection closes
 * at once.
 */
class Http1ResponseTrackerTest {

    private final EmbeddedChannel channel = new EmbeddedChannel();

    @AfterEach
    void release() {
        channel.finishAndReleaseAll();
    }

    private Http1ResponseTracker tracker() {
        channel.pipeline().addLast("handler", new ChannelInboundHandlerAdapter()); // where Vert.x's handler sits
        return Http1ResponseTracker.of(channel);
    }

    @Test
    void aCloseWhileAResponseIsInFlightWaitsForItAndItSaysConnectionClose() {
        tracker().requestStarted();
        channel.pipeline().close();
        assertTrue(channel.isOpen(), "closed under the response in flight");

        channel.writeOutbound(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
        HttpResponse head = channel.readOutbound();
        assertEquals("close", head.headers().get(HttpHeaderNames.CONNECTION));
        assertTrue(channel.isOpen());

        channel.writeOutbound(LastHttpContent.EMPTY_LAST_CONTENT);
        assertFalse(channel.isOpen(), "still open after the response was written");
    }

    @Test
    void aCloseOfAnIdleConnectionClosesAtOnce() {
        Http1ResponseTracker tracker = tracker();
        tracker.requestStarted();
        channel.writeOutbound(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK),
                LastHttpContent.EMPTY_LAST_CONTENT);
        channel.pipeline().close();
        assertFalse(channel.isOpen());
    }

    @Test
    void aResponseThatNeverCompletesHoldsTheCloseNoLongerThanTheBound() {
        channel.freezeTime();
        tracker().requestStarted();
        channel.pipeline().close();
        channel.advanceTimeBy(Http1ResponseTracker.CLOSE_WAIT_MILLIS - 1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertTrue(channel.isOpen());
        channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertFalse(channel.isOpen(), "a response that never ends kept the connection open");
    }

    /**
     * A {@code 100 Continue} (Vert.x writes one as a full response to an upload that expects it) is not the end of
     * the request's response: a drain still waits for the final one.
     */
    @Test
    void aHundredContinueDoesNotEndTheResponseInFlight() {
        tracker().requestStarted();
        channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        channel.pipeline().close();
        assertTrue(channel.isOpen(), "closed after the 100 Continue, under the upload still in flight");
        channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CREATED));
        assertFalse(channel.isOpen(), "still open after the final response");
    }
}

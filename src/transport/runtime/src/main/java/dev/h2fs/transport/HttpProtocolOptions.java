package dev.h2fs.transport;

import java.util.concurrent.TimeUnit;

import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpServerOptions;

/**
 * Builds the Vert.x protocol options of the transport's connections from {@link TransportConfig}. Nothing is bound
 * with them: host and port are the transport's business.
 * <p>
 * Thread: any (pure function).
 */
public final class HttpProtocolOptions {

    private HttpProtocolOptions() {
    }

    public static HttpServerOptions from(TransportConfig config) {
        TransportConfig.Http2 http2 = config.http2();
        Http2Settings settings = new Http2Settings()
                .setMaxConcurrentStreams(http2.maxConcurrentStreams())
                .setInitialWindowSize(http2.initialWindowSize())
                .setMaxFrameSize(http2.maxFrameSize())
                .setMaxHeaderListSize(http2.maxHeaderListSize())
                // Server push is gone from browsers and from RFC 9113's recommendations.
                .setPushEnabled(false);
        return new HttpServerOptions()
                .setHost(config.host())
                .setPort(config.port())
                // h2c with prior knowledge and the HTTP/1.1 Upgrade to h2c, next to plain HTTP/1.1.
                .setHttp2ClearTextEnabled(true)
                .setInitialSettings(settings)
                // Vert.x hands these to Netty's decoder (RST_STREAM frames received: rapid reset) and encoder
                // (RST_STREAM frames the client provokes: MadeYouReset); both answer GOAWAY(ENHANCE_YOUR_CALM).
                .setHttp2RstFloodMaxRstFramePerWindow(http2.rstFloodMaxPerWindow())
                .setHttp2RstFloodWindowDuration((int) http2.rstFloodWindow().toSeconds())
                .setHttp2RstFloodWindowDurationTimeUnit(TimeUnit.SECONDS)
                .setHttp2MaxSmallContinuationFrames(http2.maxSmallContinuationFrames())
                // Idle connections are closed by the connection guard (h2fs.transport.idle-timeout), which counts
                // activity without a clock call per write, unlike the IdleStateHandler Vert.x would install.
                .setIdleTimeout(0)
                // Compression is a CPU cost per response we do not want on the file hot path.
                .setCompressionSupported(false)
                .setDecompressionSupported(false);
    }
}

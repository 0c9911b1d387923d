package dev.h2fs.transport.rest;

import org.jboss.resteasy.reactive.server.spi.ForwardedInfo;

import io.vertx.core.Context;

/**
 * What Quarkus's forwarded-header wrapper learnt from a request's {@code Forwarded}/{@code X-Forwarded-*} headers, as
 * RESTEasy reads it ({@code LocationUtil}: a relative {@code Location} made absolute with the forwarded prefix): the
 * wrapper leaves it in the request's Vert.x context, where Quarkus REST's request context finds it too.
 * <p>
 * Thread-safe: a stateless view of the wrapper's immutable record.
 */
final class ForwardedInfos {

    private ForwardedInfos() {
    }

    /** @return RESTEasy's view of what the wrapper left in {@code requestContext}, or null without one */
    static ForwardedInfo of(Context requestContext) {
        io.quarkus.vertx.http.runtime.ForwardedInfo forwarded = requestContext
                .getLocal(io.quarkus.vertx.http.runtime.ForwardedInfo.CONTEXT_KEY);
        if (forwarded == null) {
            return null;
        }
        return new ForwardedInfo() {
            @Override
            public String getScheme() {
                return forwarded.getScheme();
            }

            @Override
            public String getHost() {
                return forwarded.getHost();
            }

            @Override
            public Integer getPort() {
                return forwarded.getPort();
            }

            @Override
            public String getRemoteHost() {
                return forwarded.getRemoteHost();
            }

            @Override
            public Integer getRemotePort() {
                return forwarded.getRemotePort();
            }

            @Override
            public String getPrefix() {
                return forwarded.getPrefix();
            }
        };
    }
}

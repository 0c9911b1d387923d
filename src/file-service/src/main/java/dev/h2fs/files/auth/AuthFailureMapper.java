package dev.h2fs.files.auth;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;

/**
 * Answers refused requests as RFC 6750 says a bearer-token resource server does, with a one-line reason: {@code 401}
 * and {@code WWW-Authenticate: Bearer} when no token came, {@code 401} with {@code error="invalid_token"} when the
 * token in the {@code Authorization} header failed verification (signature, algorithm, {@code exp}, {@code nbf},
 * issuer, audience, syntax), {@code 403} with {@code error="insufficient_scope"} when a valid token lacks the role.
 * Neither the token nor the reason verification failed is echoed: the log at DEBUG has the latter, never the former.
 * <p>
 * These mappers replace Quarkus REST's own for the three exceptions (theirs answer without a reason or an error code),
 * on both of the transport's paths.
 * <p>
 * Thread-safe: stateless; called by Quarkus REST on the request's thread.
 */
public final class AuthFailureMapper {

    private static final String BEARER = "Bearer";

    @ServerExceptionMapper
    public Response invalidToken(AuthenticationFailedException e, HttpHeaders headers) {
        if (!bearerTokenSent(headers)) {
            return noToken();
        }
        return refusal(401, BEARER + " error=\"invalid_token\"", "the bearer token is not valid");
    }

    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e, HttpHeaders headers) {
        return bearerTokenSent(headers)
                ? refusal(401, BEARER + " error=\"invalid_token\"", "the bearer token is not valid")
                : noToken();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return refusal(403, BEARER + " error=\"insufficient_scope\"",
                "the bearer token does not carry the role this needs");
    }

    private static Response noToken() {
        return refusal(401, BEARER, "this needs a bearer token (Authorization: Bearer <token>)");
    }

    private static boolean bearerTokenSent(HttpHeaders headers) {
        String authorization = headers.getHeaderString(HttpHeaders.AUTHORIZATION);
        return authorization != null && authorization.regionMatches(true, 0, BEARER + " ", 0, BEARER.length() + 1);
    }

    private static Response refusal(int status, String challenge, String reason) {
        return Response.status(status).header(HttpHeaders.WWW_AUTHENTICATE, challenge)
                .type(MediaType.TEXT_PLAIN_TYPE.withCharset("utf-8")).entity(reason + "\n").build();
    }
}

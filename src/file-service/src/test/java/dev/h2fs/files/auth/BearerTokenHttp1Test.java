package dev.h2fs.files.auth;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.h2fs.files.fastpath.ParityClient;

/** {@link BearerTokenCleartextCases} with the fast path reached over HTTP/1.1 (requests without a body; Vert.x's path gets them with {@code Content-Length: 0}). */
@QuarkusTest
@TestProfile(SecuredProfile.class)
public class BearerTokenHttp1Test extends BearerTokenCleartextCases {

    @Override
    protected ParityClient fastPath() {
        return clients.fastPathHttp1(base);
    }
}

package dev.h2fs.files.auth;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.h2fs.files.fastpath.ParityClient;

/** {@link BearerTokenCleartextCases} with the fast path reached over h2c with prior knowledge. */
@QuarkusTest
@TestProfile(SecuredProfile.class)
public class BearerTokenH2cTest extends BearerTokenCleartextCases {

    @Override
    protected ParityClient fastPath() {
        return clients.fastPath(base);
    }
}

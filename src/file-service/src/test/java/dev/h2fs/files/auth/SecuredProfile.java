package dev.h2fs.files.auth;

import java.util.HashMap;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The production security settings, on the tests' key: writes need a valid token with {@code files-writer}; tokens
 * must come from {@link TestTokens#ISSUER} for {@link TestTokens#AUDIENCE}. Security is logged at DEBUG into a file,
 * so that tests can check that no token is ever written to a log line.
 */
public class SecuredProfile implements QuarkusTestProfile {

    /** @return the log file of the profile {@code profile}: one per profile, as each is a fresh application */
    public static String logFile(Class<?> profile) {
        return "target/" + profile.getSimpleName() + ".log";
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = new HashMap<>();
        config.put("h2fs.files.auth.anonymous-writes", "false");
        config.put("mp.jwt.verify.publickey.location", TestTokens.PUBLIC_KEY.toUri().toString());
        config.put("mp.jwt.verify.issuer", TestTokens.ISSUER);
        config.put("mp.jwt.verify.audiences", TestTokens.AUDIENCE);
        config.put("h2fs.files.dir", "target/test-store-secured");
        config.put("quarkus.log.file.enabled", "true");
        config.put("quarkus.log.file.path", logFile(getClass()));
        config.put("quarkus.log.category.\"io.quarkus.security\".level", "DEBUG");
        config.put("quarkus.log.category.\"io.quarkus.smallrye.jwt\".level", "DEBUG");
        config.put("quarkus.log.category.\"io.smallrye.jwt\".level", "DEBUG");
        config.put("quarkus.log.category.\"io.quarkus.vertx.http.runtime.security\".level", "DEBUG");
        config.put("quarkus.log.category.\"dev.h2fs\".level", "DEBUG");
        return config;
    }
}

package dev.h2fs.files.api;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The round-trip tests again, against the packaged artifact (the JVM jar here, the native binary with -Dnative). */
@QuarkusIntegrationTest
class FileRoundTripIT extends FileRoundTripTest {
}

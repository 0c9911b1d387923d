package dev.h2fs.files.health;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** Health and metrics against the packaged artifact. */
@QuarkusIntegrationTest
class HealthAndMetricsIT extends HealthAndMetricsTest {
}

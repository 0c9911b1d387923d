package dev.h2fs.files.api;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** h2c prior knowledge against the packaged artifact. */
@QuarkusIntegrationTest
class Http2PriorKnowledgeIT extends Http2PriorKnowledgeTest {
}

package dev.h2fs.files.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FileNameTest {

    @ParameterizedTest
    @ValueSource(strings = { "a", "index.html", ".hidden", "...", "a-b_c.D9", "x.." })
    void legalNames(String name) {
        assertNull(FileName.problem(name));
        assertEquals(name, new FileName(name).value());
    }

    @ParameterizedTest
    @ValueSource(strings = { "", ".", "..", "a/b", "/abs", "a\\b", "a\u0000b", "a b", "é", "a~b", "a%2Fb", "a:b" })
    void illegalNames(String name) {
        assertNotNull(FileName.problem(name));
        assertTrue(FileName.parse(name).isEmpty());
        assertThrows(IllegalArgumentException.class, () -> new FileName(name));
    }

    @Test
    void lengthLimitIs255() {
        assertNull(FileName.problem("a".repeat(255)));
        assertNotNull(FileName.problem("a".repeat(256)));
        assertNotNull(FileName.problem(null));
    }

    @Test
    void contentTypeFollowsTheExtension() {
        assertEquals("text/html; charset=utf-8", ContentTypes.of("index.HTML"));
        assertEquals("image/png", ContentTypes.of("a.png"));
        assertEquals("application/octet-stream", ContentTypes.of("noext"));
        assertEquals("application/octet-stream", ContentTypes.of("trailing."));
        assertEquals("application/octet-stream", ContentTypes.of("x.unknown"));
    }
}

package dev.h2fs.files;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;

/** Test data and a hand-made multipart encoder for bodies REST Assured would refuse to build. */
public final class TestFiles {

    private TestFiles() {
    }

    /** Deterministic pseudo-random bytes. */
    public static byte[] bytes(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    public static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Uploads {@code content} as {@code name} through REST Assured's multipart support. */
    public static io.restassured.response.Response upload(String name, byte[] content) {
        return io.restassured.RestAssured.given().multiPart("file", name, content, "application/octet-stream")
                .when().post("/files");
    }

    /** One line of a raw HTTP response (the status line, first), without its line end; "" at end of stream. */
    public static String readLine(java.io.InputStream in) throws java.io.IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            line.append((char) c);
        }
        return line.toString().trim();
    }

    /** A unique valid file name for one test. */
    public static String name(String prefix) {
        return prefix + "-" + Long.toHexString(System.nanoTime()) + ".bin";
    }

    /** Builds a multipart/form-data body part by part. */
    public static final class Multipart {
        private final String boundary;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        public Multipart(String boundary) {
            this.boundary = boundary;
        }

        public Multipart part(String headers, byte[] content) {
            write("--" + boundary + "\r\n" + headers + "\r\n\r\n");
            out.writeBytes(content);
            write("\r\n");
            return this;
        }

        public Multipart file(String field, String filename, byte[] content) {
            return part("Content-Disposition: form-data; name=\"" + field + "\"; filename=\"" + filename
                    + "\"\r\nContent-Type: application/octet-stream", content);
        }

        /** The body with its closing delimiter. */
        public byte[] close() {
            write("--" + boundary + "--\r\n");
            return out.toByteArray();
        }

        /** The body so far, without a closing delimiter (a truncated upload). */
        public byte[] unclosed() {
            return out.toByteArray();
        }

        public String contentType() {
            return "multipart/form-data; boundary=" + boundary;
        }

        private void write(String s) {
            out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        }
    }
}

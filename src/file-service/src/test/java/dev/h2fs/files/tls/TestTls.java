package dev.h2fs.files.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import dev.h2fs.files.TestFiles;

/** The test certificate, and a JDK TLS client that trusts it and offers the ALPN protocols it is told. */
public final class TestTls {

    public static final Path KEY = Path.of("src/test/resources/tls/key.pem").toAbsolutePath();
    public static final Path CERT = Path.of("src/test/resources/tls/cert.pem").toAbsolutePath();

    private TestTls() {
    }

    public static SSLContext trustingTestCert() throws IOException, GeneralSecurityException {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(CERT)) {
            trust.setCertificateEntry("test", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    /** A handshaken TLS socket to the app offering {@code alpn} (none if empty). */
    public static SSLSocket connect(URL base, String... alpn) throws IOException, GeneralSecurityException {
        SSLSocket socket = (SSLSocket) trustingTestCert().getSocketFactory().createSocket(base.getHost(),
                base.getPort());
        socket.setSoTimeout(10_000);
        SSLParameters params = socket.getSSLParameters();
        params.setApplicationProtocols(alpn);
        socket.setSSLParameters(params);
        socket.startHandshake();
        return socket;
    }

    /**
     * A handshaken TLS socket offering {@code alpn}, layered over {@code tcp} (connected to the app), so that a test
     * can still read the TCP connection beneath once TLS has ended (closing the TLS socket closes {@code tcp}).
     */
    public static SSLSocket connectOver(Socket tcp, URL base, String... alpn)
            throws IOException, GeneralSecurityException {
        SSLSocket socket = (SSLSocket) trustingTestCert().getSocketFactory().createSocket(tcp, base.getHost(),
                base.getPort(), true);
        socket.setSoTimeout(10_000);
        SSLParameters params = socket.getSSLParameters();
        params.setApplicationProtocols(alpn);
        socket.setSSLParameters(params);
        socket.startHandshake();
        return socket;
    }

    /** Sends one HTTP/1.1 GET and returns the status line, or null if the server closed the connection instead. */
    public static String http11StatusLine(SSLSocket socket, String path) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String line = TestFiles.readLine(socket.getInputStream());
        return line.isEmpty() ? null : line;
    }
}

package dev.usher.dispatcher;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

import dev.usher.buffers.BufferPool;
import dev.usher.config.TlsSettings;

/**
 * One loaded certificate and key, with the settings that shape every handshake: each new
 * connection's {@link SSLEngine} comes from it. Immutable: a rotation loads a new one, and
 * connections opened before keep theirs.
 *
 * @param ssl the JDK's context, holding the key and the trusted CAs
 * @param settings the settings it was loaded from
 * @param certificate the server's certificate, the first of {@code certfile}
 * @param records buffers for whole TLS records, network side: heap buffers, which the JDK's
 *     ciphers work on in place (Jetty encrypts into heap buffers for the same reason)
 * @param plaintext buffers for file bytes on their way into records
 * @param applicationBufferSize the largest plaintext a record unwraps to
 */
record TlsContext(SSLContext ssl, TlsSettings settings, X509Certificate certificate, BufferPool records,
        BufferPool plaintext, int applicationBufferSize) {

    /** The protocol ALPN settles on; a client that offers only others gets no ALPN answer. */
    static final String HTTP_1_1 = "http/1.1";

    /**
     * Reads the files {@code settings} names and checks them: the key must match the first
     * certificate, every cipher suite must be one this JVM has.
     *
     * @param records the record pool to use, or null for a new one
     * @throws IOException naming the file or setting at fault
     */
    static TlsContext load(TlsSettings settings, BufferPool records, BufferPool plaintext) throws IOException {
        Path certfile = Path.of(settings.certfile());
        Path keyfile = Path.of(settings.keyfile());
        List<X509Certificate> chain = PemFiles.certificates(certfile);
        PrivateKey key = PemFiles.privateKey(keyfile);
        PemFiles.checkPair(key, chain.get(0), keyfile, certfile);
        try {
            char[] password = new char[0];
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("usher", key, password, chain.toArray(new X509Certificate[0]));
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(keys, password);
            TrustManagerFactory trustManagers = null;
            if (!settings.caCerts().isEmpty()) {
                Path caFile = Path.of(settings.caCerts());
                KeyStore trusted = KeyStore.getInstance("PKCS12");
                trusted.load(null, null);
                int n = 0;
                for (X509Certificate ca : PemFiles.certificates(caFile)) {
                    trusted.setCertificateEntry("ca-" + n++, ca);
                }
                trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trustManagers.init(trusted);
            }
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(keyManagers.getKeyManagers(), trustManagers == null ? null : trustManagers.getTrustManagers(),
                    null);
            checkCiphers(ssl, settings);
            SSLEngine probe = ssl.createSSLEngine();
            int recordSize = probe.getSession().getPacketBufferSize();
            int applicationSize = probe.getSession().getApplicationBufferSize();
            BufferPool pool = records != null && records.bufferSize() >= recordSize ? records
                    : BufferPool.heap(recordSize, 256);
            return new TlsContext(ssl, settings, chain.get(0), pool, plaintext, applicationSize);
        } catch (GeneralSecurityException e) {
            throw new IOException(certfile + ": " + e.getMessage(), e);
        }
    }

    private static void checkCiphers(SSLContext ssl, TlsSettings settings) throws IOException {
        Set<String> supported = new TreeSet<>(Arrays.asList(ssl.getSupportedSSLParameters().getCipherSuites()));
        for (String cipher : settings.ciphers()) {
            if (!supported.contains(cipher)) {
                throw new IOException("ciphers: " + cipher + " is not a cipher suite this JVM has");
            }
        }
    }

    /** A server-side engine for one connection, with the settings' protocols, ciphers and client authentication. */
    SSLEngine newEngine() {
        SSLEngine engine = ssl.createSSLEngine();
        engine.setUseClientMode(false);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setProtocols(settings.protocols().toArray(new String[0]));
        if (!settings.ciphers().isEmpty()) {
            parameters.setCipherSuites(settings.ciphers().toArray(new String[0]));
        }
        parameters.setUseCipherSuitesOrder(true);
        switch (settings.certReqs()) {
            case REQUIRED -> parameters.setNeedClientAuth(true);
            case OPTIONAL -> parameters.setWantClientAuth(true);
            case NONE -> parameters.setWantClientAuth(false);
            default -> throw new IllegalStateException();
        }
        engine.setSSLParameters(parameters);
        engine.setHandshakeApplicationProtocolSelector(
                (e, offered) -> offered.contains(HTTP_1_1) ? HTTP_1_1 : null);
        return engine;
    }

    /** Whether a client closing without close_notify is an ordinary end of input. */
    boolean suppressRaggedEofs() {
        return settings.suppressRaggedEofs();
    }

    /** The certificate's serial number in hexadecimal, as {@code openssl x509 -serial} prints it. */
    String serial() {
        return certificate.getSerialNumber().toString(16).toUpperCase(Locale.ROOT);
    }
}

package dev.usher.dispatcher;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * Test certificates made with the {@code openssl} command in a temporary directory: a CA, and
 * server and client certificates it signs (for {@code localhost} and {@code 127.0.0.1}), with
 * keys in each form {@code keyfile} takes; and TLS clients that trust the CA.
 */
final class TestCertificates {

    /** The forms a private key file comes in. */
    enum KeyForm {
        /** {@code BEGIN PRIVATE KEY}, EC P-256. */
        EC_PKCS8,
        /** {@code BEGIN EC PRIVATE KEY} after {@code BEGIN EC PARAMETERS}, as {@code openssl ecparam -genkey} writes. */
        EC_TRADITIONAL,
        /** {@code BEGIN PRIVATE KEY}, RSA 2048. */
        RSA_PKCS8,
        /** {@code BEGIN RSA PRIVATE KEY} (PKCS#1). */
        RSA_TRADITIONAL
    }

    /** A certificate file and its key file. */
    record Pair(Path certfile, Path keyfile, BigInteger serial) {

        /** The settings that make a server use this pair. */
        Map<String, Object> settings() {
            return Map.of("certfile", certfile.toString(), "keyfile", keyfile.toString());
        }
    }

    private final Path dir;
    private final String name;
    private final Path caCert;
    private final Path caKey;
    private int files;

    private TestCertificates(Path dir, String name) throws IOException {
        this.dir = dir;
        this.name = name;
        this.caKey = dir.resolve(name + "-ca.key");
        this.caCert = dir.resolve(name + "-ca.pem");
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", caKey.toString());
        openssl("req", "-x509", "-new", "-key", caKey.toString(), "-out", caCert.toString(), "-days", "30",
                "-subj", "/CN=Usher test CA " + name, "-set_serial", "1");
    }

    /** A new CA in {@code dir}; {@code name} keeps two CAs' files apart. */
    static TestCertificates ca(Path dir, String name) throws IOException {
        return new TestCertificates(dir, name);
    }

    /** The CA's certificate file, for {@code ca_certs} and for clients' trust. */
    Path caCertificate() {
        return caCert;
    }

    /** A server certificate for localhost and 127.0.0.1 with its key, signed by the CA. */
    Pair server(KeyForm form, long serial) throws IOException {
        return issue(form, serial, "/CN=localhost", "subjectAltName=DNS:localhost,IP:127.0.0.1");
    }

    /** A client certificate, signed by the CA. */
    Pair client(String commonName, long serial) throws IOException {
        return issue(KeyForm.EC_PKCS8, serial, "/CN=" + commonName, "extendedKeyUsage=clientAuth");
    }

    private Pair issue(KeyForm form, long serial, String subject, String extensions) throws IOException {
        int n = ++files;
        Path key = dir.resolve(name + "-" + n + ".key");
        Path csr = dir.resolve(name + "-" + n + ".csr");
        Path cert = dir.resolve(name + "-" + n + ".pem");
        Path ext = dir.resolve(name + "-" + n + ".ext");
        switch (form) {
            case EC_PKCS8 -> openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out",
                    key.toString());
            case EC_TRADITIONAL -> openssl("ecparam", "-name", "prime256v1", "-genkey", "-out", key.toString());
            case RSA_PKCS8 -> openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out",
                    key.toString());
            case RSA_TRADITIONAL -> openssl("genrsa", "-traditional", "-out", key.toString(), "2048");
            default -> throw new IllegalArgumentException();
        }
        Files.writeString(ext, extensions + "\n");
        openssl("req", "-new", "-key", key.toString(), "-subj", subject, "-out", csr.toString());
        openssl("x509", "-req", "-in", csr.toString(), "-CA", caCert.toString(), "-CAkey", caKey.toString(),
                "-set_serial", Long.toString(serial), "-days", "30", "-extfile", ext.toString(), "-out",
                cert.toString());
        return new Pair(cert, key, BigInteger.valueOf(serial));
    }

    /** Runs {@code openssl} with {@code arguments}; fails with its output if it fails. */
    static String openssl(String... arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(arguments));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("the TLS tests need the openssl command (apt-get install openssl)", e);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        return output;
    }

    /** A client context that trusts this CA and presents {@code identity}, if not null. */
    SSLContext clientContext(Pair identity) throws IOException {
        try {
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            trusted.setCertificateEntry("ca", PemFiles.certificates(caCert).get(0));
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            KeyManagerFactory keys = null;
            if (identity != null) {
                KeyStore own = KeyStore.getInstance("PKCS12");
                own.load(null, null);
                own.setKeyEntry("me", PemFiles.privateKey(identity.keyfile()), new char[0],
                        PemFiles.certificates(identity.certfile()).toArray(new X509Certificate[0]));
                keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(own, new char[0]);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    /** A TLS socket to {@code address}, handshake done, with {@code protocols} (all when none given). */
    static SSLSocket connect(SSLContext context, InetSocketAddress address, String... protocols) throws IOException {
        Socket plain = new Socket();
        plain.setTcpNoDelay(true);
        plain.connect(address, 5000);
        plain.setSoTimeout(10_000);
        return wrap(context, plain, address, protocols);
    }

    /** TLS over the connected socket {@code plain}, handshake done. */
    static SSLSocket wrap(SSLContext context, Socket plain, InetSocketAddress address, String... protocols)
            throws IOException {
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, "localhost", address.getPort(),
                true);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        parameters.setApplicationProtocols(new String[] {"http/1.1"});
        if (protocols.length > 0) {
            parameters.setProtocols(protocols);
        }
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        return socket;
    }

    /** The serial number of the certificate {@code socket}'s server presented. */
    static BigInteger serverSerial(SSLSocket socket) throws IOException {
        return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
    }
}

package dev.usher.config;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * A server's TLS settings, gunicorn's names: with a certificate and key the server speaks HTTPS
 * on every listener; without, {@link #NONE}, it speaks plain HTTP. The files are only named
 * here: the dispatcher reads them, when the settings apply and again whenever they change on
 * disk, so a certificate can be replaced without a restart.
 *
 * @param certfile the PEM certificate chain, the server's own first; empty for plain HTTP
 * @param keyfile the PEM private key of {@code certfile}'s first certificate (PKCS#8, or the
 *     traditional RSA or EC form)
 * @param caCerts PEM certificates trusted to sign client certificates; empty for none
 * @param certReqs whether a client must present a certificate
 * @param ciphers the cipher suites offered, by their standard (IANA) names, in order of
 *     preference; empty for the JVM's defaults
 * @param protocols the protocol versions offered: {@code TLSv1.2}, {@code TLSv1.3} or both
 * @param suppressRaggedEofs whether a client that closes without a TLS {@code close_notify} is
 *     taken as an ordinary end of input (true, as gunicorn does) or as an error that drops what
 *     was in progress on the connection
 */
public record TlsSettings(
        String certfile,
        String keyfile,
        String caCerts,
        ClientCertificates certReqs,
        List<String> ciphers,
        List<String> protocols,
        boolean suppressRaggedEofs) {

    /** The protocol versions a server may offer; older ones are refused. */
    public static final Set<String> SUPPORTED_PROTOCOLS = Set.of("TLSv1.2", "TLSv1.3");

    /** The protocols offered by default: TLS 1.2 and TLS 1.3. */
    public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    /** Plain HTTP: no certificate. */
    public static final TlsSettings NONE = new TlsSettings("", "", "", ClientCertificates.NONE, List.of(),
            DEFAULT_PROTOCOLS, true);

    /** Whether a client must, may or need not present a certificate ({@code cert_reqs}). */
    public enum ClientCertificates {
        /** No certificate is asked for: Python's {@code ssl.CERT_NONE} (0). */
        NONE,
        /** One is asked for; a client without one is served, one with a bad one is refused: {@code CERT_OPTIONAL} (1). */
        OPTIONAL,
        /** One is required, signed by {@code ca_certs}: {@code CERT_REQUIRED} (2). */
        REQUIRED;

        /** The setting's value for it, lower case. */
        public String setting() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * The requirement {@code value} names: {@code none}, {@code optional} or {@code required}
         * in any case, with or without Python's {@code CERT_} prefix, or Python's numbers 0, 1, 2.
         *
         * @throws IllegalArgumentException naming the values there are
         */
        public static ClientCertificates of(String value) {
            String name = value.trim().toUpperCase(Locale.ROOT);
            if (name.startsWith("CERT_")) {
                name = name.substring("CERT_".length());
            }
            switch (name) {
                case "0", "NONE":
                    return NONE;
                case "1", "OPTIONAL":
                    return OPTIONAL;
                case "2", "REQUIRED":
                    return REQUIRED;
                default:
                    throw new IllegalArgumentException("must be none, optional or required (or 0, 1, 2)");
            }
        }
    }

    /** Checks the invariants whatever the source. */
    public TlsSettings {
        Objects.requireNonNull(certfile, "certfile");
        Objects.requireNonNull(keyfile, "keyfile");
        Objects.requireNonNull(caCerts, "caCerts");
        Objects.requireNonNull(certReqs, "certReqs");
        ciphers = List.copyOf(ciphers);
        protocols = List.copyOf(protocols);
        if (certfile.isEmpty() != keyfile.isEmpty()) {
            throw new IllegalArgumentException("certfile and keyfile go together");
        }
        if (protocols.isEmpty() || !SUPPORTED_PROTOCOLS.containsAll(protocols)) {
            throw new IllegalArgumentException("protocols " + protocols);
        }
        if (certReqs != ClientCertificates.NONE && caCerts.isEmpty()) {
            throw new IllegalArgumentException("client certificates need caCerts");
        }
    }

    /** Whether the server speaks TLS. */
    public boolean enabled() {
        return !certfile.isEmpty();
    }
}

package dev.usher.dispatcher;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the PEM files of {@code certfile}, {@code keyfile} and {@code ca_certs}: certificates,
 * and a private key in PKCS#8 ({@code BEGIN PRIVATE KEY}) or in the traditional forms OpenSSL
 * writes ({@code BEGIN RSA PRIVATE KEY}, PKCS#1; {@code BEGIN EC PRIVATE KEY}, SEC 1), which
 * are rewrapped as PKCS#8 for the JDK. Every error names the file.
 */
final class PemFiles {

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)\\s*-----END \\1-----");
    /** rsaEncryption, 1.2.840.113549.1.1.1, DER encoded with its tag. */
    private static final byte[] RSA_OID = {0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01,
        0x01, 0x01};
    /** id-ecPublicKey, 1.2.840.10045.2.1, DER encoded with its tag. */
    private static final byte[] EC_OID = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};

    private PemFiles() {
    }

    /** The certificates in {@code file}, in order. */
    static List<X509Certificate> certificates(Path file) throws IOException {
        byte[] bytes = read(file);
        List<X509Certificate> certificates = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (var certificate : factory.generateCertificates(new ByteArrayInputStream(bytes))) {
                certificates.add((X509Certificate) certificate);
            }
        } catch (CertificateException e) {
            throw new IOException(file + ": not a PEM certificate: " + e.getMessage(), e);
        }
        if (certificates.isEmpty()) {
            throw new IOException(file + ": holds no certificate");
        }
        return certificates;
    }

    /** The private key in {@code file}. */
    static PrivateKey privateKey(Path file) throws IOException {
        String text = new String(read(file), StandardCharsets.US_ASCII);
        Matcher block = BLOCK.matcher(text);
        while (block.find()) {
            String type = block.group(1);
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(block.group(2));
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ": the " + type + " block is not base64");
            }
            switch (type) {
                case "PRIVATE KEY":
                    return pkcs8(file, der, "RSA", "EC", "RSASSA-PSS", "EdDSA", "XDH");
                case "RSA PRIVATE KEY":
                    return pkcs8(file, wrap(RSA_OID, new byte[] {0x05, 0x00}, der), "RSA");
                case "EC PRIVATE KEY":
                    return pkcs8(file, wrap(EC_OID, namedCurve(file, der), der), "EC");
                case "ENCRYPTED PRIVATE KEY":
                    throw new IOException(file + ": the private key is encrypted; give it unencrypted "
                            + "(openssl pkey -in KEY -out KEY.pem), readable by the server only");
                default:
                    // EC PARAMETERS and the like, which OpenSSL writes before the key
            }
        }
        throw new IOException(file + ": holds no PEM private key (BEGIN PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)");
    }

    /**
     * Checks that {@code key} belongs to {@code certificate}: it signs, the certificate's public
     * key verifies.
     */
    static void checkPair(PrivateKey key, X509Certificate certificate, Path keyfile, Path certfile)
            throws IOException {
        PublicKey publicKey = certificate.getPublicKey();
        String mismatch = keyfile + ": the key does not match the certificate of " + certfile;
        if (!publicKey.getAlgorithm().equals(key.getAlgorithm())) {
            throw new IOException(mismatch + " (" + key.getAlgorithm() + " key, " + publicKey.getAlgorithm()
                    + " certificate)");
        }
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "EdDSA", "Ed25519", "Ed448" -> "EdDSA";
            default -> null;
        };
        if (algorithm == null) {
            return;
        }
        byte[] challenge = new byte[32];
        new SecureRandom().nextBytes(challenge);
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(challenge);
            if (!verifier.verify(signature)) {
                throw new IOException(mismatch);
            }
        } catch (GeneralSecurityException e) {
            throw new IOException(mismatch + ": " + e.getMessage(), e);
        }
    }

    private static byte[] read(Path file) throws IOException {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IOException(file + ": cannot be read: " + e, e);
        }
    }

    private static PrivateKey pkcs8(Path file, byte[] der, String... algorithms) throws IOException {
        for (String algorithm : algorithms) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // another algorithm, or not a key at all
            }
        }
        throw new IOException(file + ": not a private key of a kind this JVM knows (RSA, EC, EdDSA)");
    }

    /** PKCS#8 PrivateKeyInfo: version 0, the algorithm with its parameters, the key. */
    private static byte[] wrap(byte[] algorithmOid, byte[] parameters, byte[] key) {
        ByteArrayOutputStream info = new ByteArrayOutputStream();
        info.writeBytes(new byte[] {0x02, 0x01, 0x00});
        info.writeBytes(der(0x30, concat(algorithmOid, parameters)));
        info.writeBytes(der(0x04, key));
        return der(0x30, info.toByteArray());
    }

    /**
     * The curve of a SEC 1 ECPrivateKey: its {@code [0]} parameters, a named curve's OID with
     * its tag. Structure: SEQUENCE { INTEGER 1, OCTET STRING, [0] OID, [1] BIT STRING }.
     */
    private static byte[] namedCurve(Path file, byte[] der) throws IOException {
        try {
            int[] at = {0};
            expect(der, at, 0x30);
            readLength(der, at);
            while (at[0] < der.length) {
                int tag = der[at[0]++] & 0xff;
                int length = readLength(der, at);
                if (tag == 0xa0) {
                    byte[] oid = new byte[length];
                    System.arraycopy(der, at[0], oid, 0, length);
                    if (oid[0] != 0x06) {
                        break;
                    }
                    return oid;
                }
                at[0] += length;
            }
        } catch (ArrayIndexOutOfBoundsException e) {
            // falls through
        }
        throw new IOException(file + ": the EC private key names no curve");
    }

    private static void expect(byte[] der, int[] at, int tag) {
        if ((der[at[0]++] & 0xff) != tag) {
            throw new ArrayIndexOutOfBoundsException();
        }
    }

    private static int readLength(byte[] der, int[] at) {
        int first = der[at[0]++] & 0xff;
        if (first < 0x80) {
            return first;
        }
        int length = 0;
        for (int i = 0; i < (first & 0x7f); i++) {
            length = (length << 8) | (der[at[0]++] & 0xff);
        }
        return length;
    }

    private static byte[] der(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int length = content.length;
        if (length < 0x80) {
            out.write(length);
        } else if (length < 0x100) {
            out.write(0x81);
            out.write(length);
        } else if (length < 0x10000) {
            out.write(0x82);
            out.write(length >> 8);
            out.write(length);
        } else {
            out.write(0x83);
            out.write(length >> 16);
            out.write(length >> 8);
            out.write(length);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}

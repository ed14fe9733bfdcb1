package dev.usher.http1;

import java.nio.charset.StandardCharsets;

/**
 * Lower-case field names, with the common ones interned: a request's usual names then cost a
 * table lookup instead of a new string each.
 */
final class FieldNames {

    private static final String[] COMMON = {
        "host", "user-agent", "accept", "accept-encoding", "accept-language", "accept-charset",
        "connection", "content-length", "content-type", "transfer-encoding", "cookie", "referer",
        "origin", "authorization", "cache-control", "pragma", "upgrade-insecure-requests",
        "if-modified-since", "if-none-match", "if-match", "range", "expect", "te", "trailer",
        "upgrade", "keep-alive", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto",
        "x-forwarded-port", "x-forwarded-by", "forwarded", "x-requested-with", "dnt", "priority",
        "sec-fetch-site", "sec-fetch-mode", "sec-fetch-dest", "sec-fetch-user", "sec-ch-ua",
        "sec-ch-ua-mobile", "sec-ch-ua-platform", "content-encoding", "date", "via",
    };
    private static final int TABLE_SIZE = 256;
    private static final String[] TABLE = new String[TABLE_SIZE];
    private static final byte[][] TABLE_BYTES = new byte[TABLE_SIZE][];

    static {
        for (String name : COMMON) {
            byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
            int slot = hash(bytes, 0, bytes.length) & (TABLE_SIZE - 1);
            while (TABLE[slot] != null) {
                slot = (slot + 1) & (TABLE_SIZE - 1);
            }
            TABLE[slot] = name;
            TABLE_BYTES[slot] = bytes;
        }
    }

    private FieldNames() {
    }

    /** The lower-case form of the token in {@code bytes[offset, offset + length)}. */
    static String lowerCase(byte[] bytes, int offset, int length) {
        int slot = hash(bytes, offset, length) & (TABLE_SIZE - 1);
        for (byte[] candidate; (candidate = TABLE_BYTES[slot]) != null; slot = (slot + 1) & (TABLE_SIZE - 1)) {
            if (equalsLowerCase(candidate, bytes, offset, length)) {
                return TABLE[slot];
            }
        }
        byte[] lower = new byte[length];
        for (int i = 0; i < length; i++) {
            lower[i] = lower(bytes[offset + i]);
        }
        return new String(lower, StandardCharsets.ISO_8859_1);
    }

    private static boolean equalsLowerCase(byte[] lower, byte[] bytes, int offset, int length) {
        if (lower.length != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (lower[i] != lower(bytes[offset + i])) {
                return false;
            }
        }
        return true;
    }

    private static int hash(byte[] bytes, int offset, int length) {
        int h = length;
        for (int i = 0; i < length; i++) {
            h = 31 * h + lower(bytes[offset + i]);
        }
        return h ^ (h >>> 11);
    }

    private static byte lower(byte b) {
        return b >= 'A' && b <= 'Z' ? (byte) (b + 32) : b;
    }
}

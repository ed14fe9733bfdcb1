package dev.usher.http1;

/** Character classes of RFC 9110 as lookup tables. */
final class Chars {

    private static final boolean[] TCHAR = new boolean[256];
    private static final boolean[] FIELD_VCHAR = new boolean[256];
    private static final boolean[] TARGET = new boolean[256];

    static {
        for (int c = '0'; c <= '9'; c++) {
            TCHAR[c] = true;
        }
        for (int c = 'a'; c <= 'z'; c++) {
            TCHAR[c] = true;
            TCHAR[c - 32] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TCHAR[c] = true;
        }
        // field-vchar is VCHAR or obs-text; SP and HTAB are allowed inside a value too.
        for (int c = 0x21; c <= 0xff; c++) {
            FIELD_VCHAR[c] = c != 0x7f;
            TARGET[c] = c < 0x7f;
        }
        FIELD_VCHAR[' '] = true;
        FIELD_VCHAR['\t'] = true;
    }

    private Chars() {
    }

    /** A token character ({@code tchar}). */
    static boolean isTchar(byte b) {
        return TCHAR[b & 0xff];
    }

    /** A byte allowed inside a field value: VCHAR, obs-text, SP or HTAB. */
    static boolean isFieldValue(byte b) {
        return FIELD_VCHAR[b & 0xff];
    }

    /** A byte allowed in a request-target: visible ASCII. */
    static boolean isTarget(byte b) {
        return TARGET[b & 0xff];
    }
}

package dev.usher.servlet.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;

/**
 * Percent-decoding (RFC 3986, section 2.1): each run of {@code %XX} is a run of bytes in a
 * charset; other characters stand for themselves. Shared by form parameters, where {@code +} is
 * a space, and RFC 5987 extended values, where it is not.
 */
final class PercentDecoder {

    private PercentDecoder() {
    }

    /**
     * Decodes {@code text}; bytes that are not valid in {@code charset} become U+FFFD.
     *
     * @param plusIsSpace whether {@code +} means a space, as in {@code x-www-form-urlencoded}
     * @throws IllegalArgumentException for a {@code %} not followed by two hex digits
     */
    static String decode(String text, Charset charset, boolean plusIsSpace) {
        if (text.indexOf('%') < 0 && (!plusIsSpace || text.indexOf('+') < 0)) {
            return text;
        }
        StringBuilder decoded = new StringBuilder(text.length());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '%') {
                // A multi-byte character is spread over consecutive escapes: gather the whole run
                // before decoding it.
                bytes.reset();
                while (i < text.length() && text.charAt(i) == '%') {
                    bytes.write(hexByte(text, i));
                    i += 3;
                }
                decoded.append(new String(bytes.toByteArray(), charset));
            } else {
                decoded.append(plusIsSpace && c == '+' ? ' ' : c);
                i++;
            }
        }
        return decoded.toString();
    }

    private static int hexByte(String text, int percent) {
        if (percent + 2 >= text.length()) {
            throw new IllegalArgumentException("truncated percent-encoding '" + text.substring(percent)
                    + "' at the end");
        }
        int high = hexDigit(text.charAt(percent + 1));
        int low = hexDigit(text.charAt(percent + 2));
        if (high < 0 || low < 0) {
            throw new IllegalArgumentException("malformed percent-encoding '"
                    + text.substring(percent, percent + 3) + "'");
        }
        return high << 4 | low;
    }

    // Not Character.digit, which also takes the digits of other scripts.
    private static int hexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}

package dev.usher.servlet.http;

import java.nio.charset.Charset;

/**
 * An RFC 5987 extended parameter value, such as {@code filename*=UTF-8''%E2%82%AC.txt}: a charset,
 * an optional language, then percent-encoded bytes in that charset.
 */
final class ExtendedValue {

    private ExtendedValue() {
    }

    /** The text of {@code value}, or null when its charset is unknown or its form is wrong. */
    static String decode(String value) {
        int firstQuote = value.indexOf('\'');
        int secondQuote = firstQuote < 0 ? -1 : value.indexOf('\'', firstQuote + 1);
        if (firstQuote <= 0 || secondQuote < 0) {
            return null;
        }
        try {
            Charset charset = Charset.forName(value.substring(0, firstQuote));
            return PercentDecoder.decode(value.substring(secondQuote + 1), charset, false);
        } catch (IllegalArgumentException wrong) {
            // also an unknown or illegal charset name
            return null;
        }
    }
}

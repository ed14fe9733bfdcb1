package dev.usher.dispatcher;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A request-target split into its path, query and (for the absolute form) authority.
 *
 * @param rawPath the path as sent, percent-encoded; {@code *} for the asterisk form
 * @param path the percent-decoded path (UTF-8)
 * @param query the raw query, without {@code ?}; empty when there is none
 * @param authority the authority of an absolute-form target, or null
 */
record RequestTarget(String rawPath, String path, String query, String authority) {

    /**
     * Splits and decodes {@code target} in origin-form, absolute-form or asterisk-form.
     *
     * @throws IllegalArgumentException when the percent-encoding is malformed or is not UTF-8
     */
    static RequestTarget parse(String target) {
        int question = target.indexOf('?');
        String rawPath = question < 0 ? target : target.substring(0, question);
        String query = question < 0 ? "" : target.substring(question + 1);
        String authority = null;
        if (!rawPath.startsWith("/") && !rawPath.equals("*")) {
            int scheme = rawPath.indexOf("://");
            if (scheme > 0) {
                int slash = rawPath.indexOf('/', scheme + 3);
                authority = rawPath.substring(scheme + 3, slash < 0 ? rawPath.length() : slash);
                rawPath = slash < 0 ? "/" : rawPath.substring(slash);
            }
        }
        return new RequestTarget(rawPath, decode(rawPath), query, authority);
    }

    /**
     * The raw form of what follows the first {@code decodedPrefixLength} characters of
     * {@link #path()}: the raw path info of a request routed through that prefix.
     */
    String rawSuffix(int decodedPrefixLength) {
        if (rawPath.indexOf('%') < 0) {
            return rawPath.substring(decodedPrefixLength);
        }
        int prefixBytes = path.substring(0, decodedPrefixLength).getBytes(StandardCharsets.UTF_8).length;
        int raw = 0;
        for (int bytes = 0; bytes < prefixBytes; bytes++) {
            raw += rawPath.charAt(raw) == '%' ? 3 : 1;
        }
        return rawPath.substring(raw);
    }

    private static String decode(String raw) {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    throw new IllegalArgumentException("truncated percent-encoding");
                }
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new IllegalArgumentException("malformed percent-encoding");
                }
                bytes.write(hi << 4 | lo);
                i += 2;
            } else {
                bytes.write(c);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("path is not UTF-8", e);
        }
    }
}

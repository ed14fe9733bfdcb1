package dev.usher.dispatcher;

import java.io.ByteArrayOutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;

/**
 * A request-target split into its decoded path and raw query.
 *
 * @param path the percent-decoded path (UTF-8); {@code *} for the asterisk form
 * @param query the raw query, without {@code ?}; empty when there is none
 */
record RequestTarget(String path, String query) {

    /**
     * Splits and decodes {@code target} in origin-form, absolute-form or asterisk-form.
     *
     * @throws IllegalArgumentException when the percent-encoding is malformed or is not UTF-8
     */
    static RequestTarget parse(String target) {
        int question = target.indexOf('?');
        String rawPath = question < 0 ? target : target.substring(0, question);
        String query = question < 0 ? "" : target.substring(question + 1);
        if (!rawPath.startsWith("/") && !rawPath.equals("*")) {
            int scheme = rawPath.indexOf("://");
            if (scheme > 0) {
                int slash = rawPath.indexOf('/', scheme + 3);
                rawPath = slash < 0 ? "/" : rawPath.substring(slash);
            }
        }
        return new RequestTarget(decode(rawPath), query);
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

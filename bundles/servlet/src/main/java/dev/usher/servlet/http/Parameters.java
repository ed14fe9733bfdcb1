package dev.usher.servlet.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code application/x-www-form-urlencoded} text, as the query string and form bodies carry it
 * (WHATWG URL, "application/x-www-form-urlencoded parsing"): {@code name=value} pairs joined by
 * {@code &}, {@code +} for a space, {@code %XX} for a byte.
 */
public final class Parameters {

    private Parameters() {
    }

    /**
     * Adds the pairs of {@code encoded} to {@code into} in order, a name's values after those it
     * already has. A pair without {@code =} has the value {@code ""}; empty pairs and pairs with
     * an empty name are skipped.
     *
     * @param encoded the text; null adds nothing
     * @param charset what the {@code %XX} bytes are in
     * @param maxKeys the most distinct names {@code into} may hold, counting those it has; negative
     *     for no limit
     * @throws IllegalArgumentException for malformed percent-encoding ({@code %G1}, a trailing
     *     {@code %4})
     * @throws IllegalStateException when {@code into} would hold more than {@code maxKeys} names
     */
    public static void parse(String encoded, Charset charset, Map<String, List<String>> into, int maxKeys) {
        if (encoded == null) {
            return;
        }
        int start = 0;
        while (start <= encoded.length()) {
            int end = encoded.indexOf('&', start);
            if (end < 0) {
                end = encoded.length();
            }
            if (end > start) {
                addPair(encoded.substring(start, end), charset, into, maxKeys);
            }
            start = end + 1;
        }
    }

    /**
     * Reads a form body and adds its pairs as {@link #parse(String, Charset, Map, int)} does.
     * Leaves {@code body} open.
     *
     * @param charset what the body's bytes, raw or percent-encoded, are in
     * @param maxBytes the most bytes the body may have; negative for no limit
     * @throws IllegalStateException when the body has more than {@code maxBytes} bytes, or more
     *     than {@code maxKeys} names
     */
    public static void parse(InputStream body, Charset charset, Map<String, List<String>> into, int maxKeys,
            long maxBytes) throws IOException {
        parse(new String(read(body, maxBytes), charset), charset, into, maxKeys);
    }

    /**
     * The values of {@code parameters} as arrays, as {@code getParameterMap()} answers them:
     * unmodifiable, in order.
     */
    public static Map<String, String[]> toArrays(Map<String, List<String>> parameters) {
        Map<String, String[]> arrays = new LinkedHashMap<>();
        parameters.forEach((name, values) -> arrays.put(name, values.toArray(new String[0])));
        return Collections.unmodifiableMap(arrays);
    }

    private static void addPair(String pair, Charset charset, Map<String, List<String>> into, int maxKeys) {
        int equals = pair.indexOf('=');
        String name = PercentDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), charset, true);
        String value = equals < 0 ? "" : PercentDecoder.decode(pair.substring(equals + 1), charset, true);
        if (name.isEmpty()) {
            return;
        }
        List<String> values = into.get(name);
        if (values == null) {
            if (maxKeys >= 0 && into.size() >= maxKeys) {
                throw new IllegalStateException("more than " + maxKeys + " form parameters");
            }
            values = new ArrayList<>();
            into.put(name, values);
        }
        values.add(value);
    }

    private static byte[] read(InputStream body, long maxBytes) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        long total = 0;
        int n;
        while ((n = body.read(chunk)) >= 0) {
            total += n;
            if (maxBytes >= 0 && total > maxBytes) {
                throw new IllegalStateException("form body larger than " + maxBytes + " bytes");
            }
            bytes.write(chunk, 0, n);
        }
        return bytes.toByteArray();
    }
}

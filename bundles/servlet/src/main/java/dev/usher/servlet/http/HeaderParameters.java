package dev.usher.servlet.http;

import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A field value of the form {@code value; name=token; name="quoted string"}, as
 * {@code Content-Type} (RFC 9110 8.3.1) and {@code Content-Disposition} (RFC 6266) have it.
 *
 * @param value what precedes the first {@code ;}, trimmed and in lower case
 * @param parameters the parameters by name, names case-insensitive
 */
public record HeaderParameters(String value, Map<String, String> parameters) {

    /** Reads {@code field}; a parameter it cannot make out ends the reading, keeping those before. */
    public static HeaderParameters parse(String field) {
        int semicolon = field.indexOf(';');
        String value = (semicolon < 0 ? field : field.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
        Map<String, String> parameters = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        int at = semicolon;
        while (at >= 0 && at < field.length()) {
            at = skipWhitespace(field, at + 1);
            int equals = field.indexOf('=', at);
            int semicolonNext = field.indexOf(';', at);
            if (equals < 0 || semicolonNext >= 0 && semicolonNext < equals) {
                // No value, so not a parameter RFC 9110 knows: skipped, and the rest still read.
                at = semicolonNext;
                continue;
            }
            String name = field.substring(at, equals).trim();
            int valueStart = skipWhitespace(field, equals + 1);
            String parameter;
            int next;
            if (valueStart < field.length() && field.charAt(valueStart) == '"') {
                StringBuilder quoted = new StringBuilder();
                next = unquote(field, valueStart + 1, quoted);
                if (next < 0) {
                    break;
                }
                parameter = quoted.toString();
                next = field.indexOf(';', next);
            } else {
                next = field.indexOf(';', valueStart);
                parameter = (next < 0 ? field.substring(valueStart) : field.substring(valueStart, next)).trim();
            }
            // The first of a repeated parameter counts, as RFC 6266 4.3 asks of filename.
            parameters.putIfAbsent(name, parameter);
            at = next;
        }
        return new HeaderParameters(value, Collections.unmodifiableMap(parameters));
    }

    /** The parameter named {@code name}, or null. */
    public String parameter(String name) {
        return parameters.get(name);
    }

    /**
     * Appends the quoted string starting at {@code from}, just past its opening quote, to
     * {@code into}; answers the index past the closing quote, or -1 when there is none.
     */
    private static int unquote(String field, int from, StringBuilder into) {
        for (int i = from; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '"') {
                return i + 1;
            }
            // Browsers send a Windows path's backslashes unescaped (C:\dir\a.txt), so a backslash
            // escapes only what must be escaped: a quote or a backslash.
            if (c == '\\' && i + 1 < field.length() && (field.charAt(i + 1) == '"' || field.charAt(i + 1) == '\\')) {
                c = field.charAt(++i);
            }
            into.append(c);
        }
        return -1;
    }

    private static int skipWhitespace(String field, int from) {
        int i = from;
        while (i < field.length() && (field.charAt(i) == ' ' || field.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }
}

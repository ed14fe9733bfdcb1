package dev.usher.servlet;

import java.util.Locale;

/** The two things the whiteboard reads from a {@code Content-Type}: its media type and its charset. */
final class ContentTypes {

    private ContentTypes() {
    }

    /** Whether {@code contentType} is the media type {@code type} (case-insensitive, parameters ignored). */
    static boolean is(String contentType, String type) {
        int end = contentType.indexOf(';');
        String media = (end < 0 ? contentType : contentType.substring(0, end)).trim();
        return media.equalsIgnoreCase(type);
    }

    /** The {@code charset} parameter, unquoted; null when absent. */
    static String charset(String contentType) {
        int start = contentType.indexOf(';');
        while (start >= 0) {
            int end = contentType.indexOf(';', start + 1);
            String parameter = (end < 0 ? contentType.substring(start + 1) : contentType.substring(start + 1, end)).trim();
            int equals = parameter.indexOf('=');
            if (equals > 0 && parameter.substring(0, equals).trim().toLowerCase(Locale.ROOT).equals("charset")) {
                String value = parameter.substring(equals + 1).trim();
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                return value.isEmpty() ? null : value;
            }
            start = end;
        }
        return null;
    }
}

package dev.usher.servlet.http;

/**
 * What a {@code Range} field (RFC 9110, section 14.2) asks of a resource of known length, as a
 * server that sends one range at most answers it.
 */
sealed interface RangeRequest {

    /** No range, several, or one that is malformed: the whole resource, 200. */
    record Whole() implements RangeRequest {
    }

    /**
     * One satisfiable range: 206.
     *
     * @param first the first byte's offset
     * @param last the last byte's offset, within the resource
     */
    record Partial(long first, long last) implements RangeRequest {

        /** How many bytes the range has. */
        long length() {
            return last - first + 1;
        }
    }

    /** One range with no byte in the resource: 416. */
    record Unsatisfiable() implements RangeRequest {
    }

    /**
     * Reads {@code field} for a resource of {@code length} bytes: {@code bytes=a-b},
     * {@code bytes=a-} or {@code bytes=-n}; null reads as {@link Whole}.
     */
    static RangeRequest of(String field, long length) {
        if (field == null) {
            return new Whole();
        }
        int equals = field.indexOf('=');
        if (equals < 0 || !field.substring(0, equals).trim().equalsIgnoreCase("bytes")) {
            return new Whole();
        }
        String spec = null;
        for (String element : field.substring(equals + 1).split(",", -1)) {
            if (!element.isBlank()) {
                if (spec != null) {
                    // Several ranges would need multipart/byteranges; RFC 9110 lets a server
                    // ignore Range instead.
                    return new Whole();
                }
                spec = element.trim();
            }
        }
        int dash = spec == null ? -1 : spec.indexOf('-');
        if (dash < 0) {
            return new Whole();
        }
        long first = digits(spec.substring(0, dash));
        long last = digits(spec.substring(dash + 1));
        if (dash == 0) {
            // a suffix: the last n bytes
            if (last < 0) {
                return new Whole();
            }
            if (last == 0 || length == 0) {
                return new Unsatisfiable();
            }
            return new Partial(Math.max(0, length - last), length - 1);
        }
        if (first < 0 || dash + 1 < spec.length() && last < 0 || last >= 0 && last < first) {
            return new Whole();
        }
        if (first >= length) {
            return new Unsatisfiable();
        }
        return new Partial(first, last < 0 ? length - 1 : Math.min(last, length - 1));
    }

    /** The number {@code text} writes in digits; Long.MAX_VALUE past it; -1 for no digits or others. */
    private static long digits(String text) {
        if (text.isEmpty()) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            // A position past any resource's length is as good as the largest.
            value = value > (Long.MAX_VALUE - 9) / 10 ? Long.MAX_VALUE : value * 10 + (c - '0');
        }
        return value;
    }
}

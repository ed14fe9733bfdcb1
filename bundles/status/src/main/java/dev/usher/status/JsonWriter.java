package dev.usher.status;

/**
 * Writes JSON text as it is told, nesting objects and arrays, with the commas between members
 * put in by itself. Strings are escaped as RFC 8259 requires; numbers that are not finite are
 * written as {@code null}, which JSON has instead.
 */
final class JsonWriter {

    private final StringBuilder text = new StringBuilder(4096);
    /** Per open object or array, whether it has a member yet; a bit a level. */
    private long hasMember;
    private int depth;
    /** A name was just written: the value follows without a comma. */
    private boolean afterName;

    JsonWriter beginObject() {
        open('{');
        return this;
    }

    JsonWriter endObject() {
        close('}');
        return this;
    }

    JsonWriter beginArray() {
        open('[');
        return this;
    }

    JsonWriter endArray() {
        close(']');
        return this;
    }

    /** The name of the next member of the object open. */
    JsonWriter name(String name) {
        separate();
        string(name);
        text.append(':');
        afterName = true;
        return this;
    }

    JsonWriter value(String value) {
        separate();
        if (value == null) {
            text.append("null");
        } else {
            string(value);
        }
        return this;
    }

    JsonWriter value(long value) {
        separate();
        text.append(value);
        return this;
    }

    JsonWriter value(double value) {
        separate();
        text.append(Double.isFinite(value) ? Double.toString(value) : "null");
        return this;
    }

    JsonWriter value(boolean value) {
        separate();
        text.append(value);
        return this;
    }

    /** The text written; every object and array must be closed. */
    String text() {
        if (depth != 0) {
            throw new IllegalStateException(depth + " objects or arrays still open");
        }
        return text.toString();
    }

    private void open(char bracket) {
        separate();
        text.append(bracket);
        depth++;
        hasMember &= ~(1L << depth);
    }

    private void close(char bracket) {
        text.append(bracket);
        depth--;
    }

    private void separate() {
        if (afterName) {
            afterName = false;
            return;
        }
        if (depth > 0) {
            long bit = 1L << depth;
            if ((hasMember & bit) != 0) {
                text.append(',');
            }
            hasMember |= bit;
        }
    }

    private void string(String value) {
        text.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> text.append("\\\"");
                case '\\' -> text.append("\\\\");
                case '\n' -> text.append("\\n");
                case '\r' -> text.append("\\r");
                case '\t' -> text.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029 || c == '<') {
                        // '<' escaped so that no text can close a <script> the JSON is put in
                        text.append(String.format("\\u%04x", (int) c));
                    } else {
                        text.append(c);
                    }
                }
            }
        }
        text.append('"');
    }
}

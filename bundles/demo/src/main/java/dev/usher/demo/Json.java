package dev.usher.demo;

import java.util.Map;

/** Just enough JSON writing for {@link Echo}: strings, numbers and flat objects. */
final class Json {

    private final StringBuilder out = new StringBuilder(256);
    private boolean first = true;

    Json() {
        out.append('{');
    }

    Json field(String name, String value) {
        key(name);
        string(value);
        return this;
    }

    Json field(String name, long value) {
        key(name);
        out.append(value);
        return this;
    }

    Json field(String name, Map<String, String> object) {
        key(name);
        out.append('{');
        boolean firstEntry = true;
        for (Map.Entry<String, String> e : object.entrySet()) {
            if (!firstEntry) {
                out.append(',');
            }
            firstEntry = false;
            string(e.getKey());
            out.append(':');
            string(e.getValue());
        }
        out.append('}');
        return this;
    }

    String end() {
        return out.append('}').toString();
    }

    private void key(String name) {
        if (!first) {
            out.append(',');
        }
        first = false;
        string(name);
        out.append(':');
    }

    private void string(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || Character.isSurrogate(c)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}

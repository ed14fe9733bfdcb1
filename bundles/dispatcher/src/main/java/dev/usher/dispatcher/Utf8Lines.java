package dev.usher.dispatcher;

import java.util.Arrays;

/**
 * A growing buffer of text as UTF-8 bytes: the access log's lines, formatted straight into it
 * ({@link AccessLogFormat}) and handed to the writer's thread whole. Text is encoded once, as it
 * is appended, with a loop that copies ASCII (nearly all of an access log) a byte a character:
 * formatting into a {@code StringBuilder} and encoding batches through a {@code CharsetEncoder}
 * cost twice over. Not thread-safe.
 */
final class Utf8Lines {

    private byte[] bytes;
    private int length;

    Utf8Lines(int capacity) {
        this.bytes = new byte[capacity];
    }

    /** Appends {@code line} and a newline. */
    void addLine(CharSequence line) {
        append(line);
        newline();
    }

    /**
     * Appends {@code text}. A surrogate without its pair (not text) becomes a {@code ?}, as
     * {@code String.getBytes} would have it.
     */
    Utf8Lines append(CharSequence text) {
        int n = text.length();
        ensure(n);
        byte[] into = bytes;
        int at = length;
        int i = 0;
        for (; i < n; i++) {
            char c = text.charAt(i);
            if (c >= 0x80) {
                break;
            }
            into[at++] = (byte) c;
        }
        length = at;
        if (i < n) {
            encode(text, i, n);
        }
        return this;
    }

    /** Appends {@code c}, which must be ASCII (the format's own characters). */
    Utf8Lines appendAscii(char c) {
        ensure(1);
        bytes[length++] = (byte) c;
        return this;
    }

    /** Appends {@code text}, which is UTF-8 already. */
    Utf8Lines append(byte[] text) {
        return append(text, text.length);
    }

    /** Appends what {@code other} holds. */
    void append(Utf8Lines other) {
        append(other.bytes, other.length);
    }

    private Utf8Lines append(byte[] text, int count) {
        ensure(count);
        System.arraycopy(text, 0, bytes, length, count);
        length += count;
        return this;
    }

    /** Appends {@code value} in decimal. */
    Utf8Lines append(long value) {
        if (value < 0) {
            if (value == Long.MIN_VALUE) {
                return append(Long.toString(value));
            }
            appendAscii('-');
            value = -value;
        }
        int digits = 1;
        for (long rest = value / 10; rest != 0; rest /= 10) {
            digits++;
        }
        ensure(digits);
        int at = length + digits;
        length = at;
        do {
            bytes[--at] = (byte) ('0' + value % 10);
            value /= 10;
        } while (value != 0);
        return this;
    }

    /** Ends the line. */
    void newline() {
        appendAscii('\n');
    }

    /** Appends the characters from {@code from} on, beyond ASCII too. */
    private void encode(CharSequence line, int from, int n) {
        for (int i = from; i < n; i++) {
            char c = line.charAt(i);
            ensure(4);
            if (c < 0x80) {
                bytes[length++] = (byte) c;
            } else if (c < 0x800) {
                bytes[length++] = (byte) (0xC0 | c >> 6);
                bytes[length++] = (byte) (0x80 | c & 0x3F);
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(line.charAt(i + 1))) {
                int code = Character.toCodePoint(c, line.charAt(++i));
                bytes[length++] = (byte) (0xF0 | code >> 18);
                bytes[length++] = (byte) (0x80 | code >> 12 & 0x3F);
                bytes[length++] = (byte) (0x80 | code >> 6 & 0x3F);
                bytes[length++] = (byte) (0x80 | code & 0x3F);
            } else if (Character.isSurrogate(c)) {
                bytes[length++] = '?';
            } else {
                bytes[length++] = (byte) (0xE0 | c >> 12);
                bytes[length++] = (byte) (0x80 | c >> 6 & 0x3F);
                bytes[length++] = (byte) (0x80 | c & 0x3F);
            }
        }
    }

    private void ensure(int more) {
        if (bytes.length - length < more) {
            bytes = Arrays.copyOf(bytes, Math.max(2 * bytes.length, length + more));
        }
    }

    /** The bytes: {@link #length()} of them from index 0. Valid until the next change. */
    byte[] array() {
        return bytes;
    }

    int length() {
        return length;
    }

    /** How many bytes it can hold without growing. */
    int capacity() {
        return bytes.length;
    }

    /** Empties it, keeping its array. */
    void clear() {
        length = 0;
    }
}

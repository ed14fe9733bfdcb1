package dev.usher.runtime.console;

import java.io.PrintStream;
import java.util.Arrays;

/**
 * Bytes of console lines waiting to be printed. Unlike {@link java.io.ByteArrayOutputStream} it
 * takes no lock per append (its one user holds its own) and prints without a copy.
 */
final class LineBuffer {

    private byte[] bytes;
    private int size;

    LineBuffer(int capacity) {
        bytes = new byte[capacity];
    }

    void append(byte[] from, int offset, int length) {
        if (size + length > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(size + length, bytes.length * 2));
        }
        System.arraycopy(from, offset, bytes, size, length);
        size += length;
    }

    void append(byte[] from) {
        append(from, 0, from.length);
    }

    int size() {
        return size;
    }

    /** Writes what the buffer holds to {@code out} in one call, and empties it. */
    void printTo(PrintStream out) {
        out.write(bytes, 0, size);
        size = 0;
    }

    @Override
    public String toString() {
        return new String(bytes, 0, size, java.nio.charset.StandardCharsets.UTF_8);
    }
}

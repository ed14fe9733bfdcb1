package dev.usher.api;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Header fields in the order received: an immutable list of name/value pairs. Names are
 * case-insensitive and kept in lower case; a name may occur several times.
 */
public final class HeaderFields {

    private static final HeaderFields EMPTY = new HeaderFields(new String[0], 0);

    /** Alternating lower-case names and values: name0, value0, name1, value1, ... */
    private final String[] pairs;
    private final int size;

    private HeaderFields(String[] pairs, int size) {
        this.pairs = pairs;
        this.size = size;
    }

    /** No fields. */
    public static HeaderFields empty() {
        return EMPTY;
    }

    /**
     * Fields from alternating names and values.
     *
     * @param namesAndValues name0, value0, name1, value1, ...
     * @throws IllegalArgumentException for an odd count
     */
    public static HeaderFields of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values must come in pairs");
        }
        return wrap(namesAndValues.clone(), namesAndValues.length / 2);
    }

    /**
     * Fields from the first {@code size} pairs of an array the caller hands over and no longer
     * changes: names must already be lower case. For the server, which builds the array once.
     */
    public static HeaderFields wrap(String[] namesAndValues, int size) {
        for (int i = 0; i < size; i++) {
            String name = namesAndValues[2 * i];
            String lower = name.toLowerCase(Locale.ROOT);
            if (!lower.equals(name)) {
                namesAndValues[2 * i] = lower;
            }
        }
        return new HeaderFields(namesAndValues, size);
    }

    /** The number of fields. */
    public int size() {
        return size;
    }

    /** The lower-case name of field {@code index}. */
    public String name(int index) {
        return pairs[2 * checkIndex(index)];
    }

    /** The value of field {@code index}. */
    public String value(int index) {
        return pairs[2 * checkIndex(index) + 1];
    }

    /** The value of the first field named {@code name} (any case). */
    public Optional<String> first(String name) {
        int i = indexOf(name);
        return i < 0 ? Optional.empty() : Optional.of(pairs[2 * i + 1]);
    }

    /** The values of every field named {@code name} (any case), in order. */
    public List<String> all(String name) {
        List<String> values = new ArrayList<>(2);
        for (int i = 0; i < size; i++) {
            if (pairs[2 * i].equalsIgnoreCase(name)) {
                values.add(pairs[2 * i + 1]);
            }
        }
        return values;
    }

    /** Whether a field named {@code name} (any case) is present. */
    public boolean contains(String name) {
        return indexOf(name) >= 0;
    }

    private int indexOf(String name) {
        for (int i = 0; i < size; i++) {
            if (pairs[2 * i].equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }

    private int checkIndex(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException(index);
        }
        return index;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HeaderFields other
                && size == other.size
                && Arrays.equals(pairs, 0, 2 * size, other.pairs, 0, 2 * size);
    }

    @Override
    public int hashCode() {
        int h = 1;
        for (int i = 0; i < 2 * size; i++) {
            h = 31 * h + pairs[i].hashCode();
        }
        return h;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("{");
        for (int i = 0; i < size; i++) {
            b.append(i == 0 ? "" : ", ").append(pairs[2 * i]).append(": ").append(pairs[2 * i + 1]);
        }
        return b.append('}').toString();
    }
}

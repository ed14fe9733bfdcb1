package dev.usher.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class HeaderFieldsTest {

    @Test
    void keepsOrderAndRepeatsWithCaseInsensitiveNames() {
        HeaderFields fields = HeaderFields.of("Accept", "a", "X-Y", "1", "accept", "b");
        assertEquals(3, fields.size());
        assertEquals("accept", fields.name(0));
        assertEquals("x-y", fields.name(1));
        assertEquals(Optional.of("a"), fields.first("ACCEPT"));
        assertEquals(List.of("a", "b"), fields.all("Accept"));
        assertTrue(fields.contains("x-Y"));
        assertFalse(fields.contains("z"));
        assertEquals(Optional.empty(), fields.first("z"));
        assertEquals(HeaderFields.of("accept", "a", "x-y", "1", "ACCEPT", "b"), fields);
    }

    @Test
    void refusesOddPairsAndBadIndexes() {
        assertThrows(IllegalArgumentException.class, () -> HeaderFields.of("a"));
        assertThrows(IndexOutOfBoundsException.class, () -> HeaderFields.empty().name(0));
    }

    @Test
    void ofCopiesItsArgument() {
        String[] pairs = {"a", "1"};
        HeaderFields fields = HeaderFields.of(pairs);
        pairs[1] = "2";
        assertEquals("1", fields.value(0));
    }
}

package dev.usher.servlet.http;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** {@code application/x-www-form-urlencoded} text and bodies read into parameters. */
class ParametersTest {

    private static Map<String, List<String>> parse(String encoded) {
        Map<String, List<String>> into = new LinkedHashMap<>();
        Parameters.parse(encoded, UTF_8, into, -1);
        return into;
    }

    @Test
    void readsPairsInOrderWithRepeatedNames() {
        Map<String, List<String>> parameters = parse("b=2&a=1&b=3");
        assertEquals(List.of("b", "a"), List.copyOf(parameters.keySet()));
        assertEquals(List.of("2", "3"), parameters.get("b"));
        assertEquals(List.of("1"), parameters.get("a"));
    }

    @Test
    void decodesPlusAndPercentBytesInTheCharset() {
        assertEquals(List.of("a b c"), parse("q=a+b%20c").get("q"));
        assertEquals(List.of("é€"), parse("q=%C3%A9%e2%82%AC").get("q"));
        assertEquals(List.of("x"), parse("%71=x").get("q"), "names are decoded too");
        assertEquals(List.of("+&="), parse("q=%2B%26%3D").get("q"));
        Map<String, List<String>> latin = new LinkedHashMap<>();
        Parameters.parse("q=%E9t%E9", ISO_8859_1, latin, -1);
        assertEquals(List.of("été"), latin.get("q"));
    }

    @Test
    void aPairWithoutEqualsHasAnEmptyValueAndEmptyPairsAreSkipped() {
        Map<String, List<String>> parameters = parse("&&flag&&a=&b=x=y&=orphan&");
        assertEquals(List.of("flag", "a", "b"), List.copyOf(parameters.keySet()));
        assertEquals(List.of(""), parameters.get("flag"));
        assertEquals(List.of(""), parameters.get("a"));
        assertEquals(List.of("x=y"), parameters.get("b"), "only the first = separates");
    }

    @Test
    void nothingToReadAddsNothing() {
        assertTrue(parse(null).isEmpty());
        assertTrue(parse("").isEmpty());
        assertTrue(parse("&").isEmpty());
    }

    @Test
    void malformedPercentEncodingIsRefusedByName() {
        IllegalArgumentException notHex = assertThrows(IllegalArgumentException.class, () -> parse("a=%G1"));
        assertTrue(notHex.getMessage().contains("'%G1'"), notHex.getMessage());
        IllegalArgumentException truncated = assertThrows(IllegalArgumentException.class, () -> parse("a=1&b=%4"));
        assertTrue(truncated.getMessage().contains("truncated") && truncated.getMessage().contains("'%4'"),
                truncated.getMessage());
        assertThrows(IllegalArgumentException.class, () -> parse("a%=1"));
        assertThrows(IllegalArgumentException.class, () -> parse("a=%"));
        assertThrows(IllegalArgumentException.class, () -> parse("a=%\u0661\u0662"), "only ASCII hex digits");
    }

    @Test
    void moreDistinctNamesThanAllowedAreRefused() {
        Map<String, List<String>> into = new LinkedHashMap<>();
        Parameters.parse("a=1&b=2&a=3&b=4", UTF_8, into, 2);
        assertEquals(2, into.size());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Parameters.parse("a=5&c=6", UTF_8, into, 2));
        assertEquals("more than 2 form parameters", e.getMessage());
    }

    @Test
    void theLimitCountsTheNamesAlreadyThere() {
        Map<String, List<String>> into = new LinkedHashMap<>();
        Parameters.parse("query=1", UTF_8, into, 2);
        Parameters.parse("query=2&form=3", UTF_8, into, 2);
        assertEquals(List.of("1", "2"), into.get("query"));
        assertThrows(IllegalStateException.class, () -> Parameters.parse("third=4", UTF_8, into, 2));
    }

    @Test
    void toArraysKeepsTheOrderAndCannotBeChanged() {
        Map<String, String[]> arrays = Parameters.toArrays(parse("z=1&a=2&z=3"));
        assertEquals(List.of("z", "a"), List.copyOf(arrays.keySet()));
        assertArrayEquals(new String[] {"1", "3"}, arrays.get("z"));
        assertThrows(UnsupportedOperationException.class, () -> arrays.put("b", new String[0]));
    }

    @Test
    void readsABodyUpToItsLimitAndLeavesTheStreamOpen() throws IOException {
        TrackedStream body = new TrackedStream("name=J%C3%B6rg&city=Z\u00fcrich".getBytes(UTF_8));
        Map<String, List<String>> into = new LinkedHashMap<>();
        Parameters.parse(body, UTF_8, into, 10, body.length());
        assertEquals(List.of("Jörg"), into.get("name"));
        assertEquals(List.of("Zürich"), into.get("city"), "raw bytes are read in the charset too");
        assertFalse(body.closed);
    }

    @Test
    void aBodyLargerThanTheLimitIsRefused() {
        byte[] bytes = "a=1234567".getBytes(UTF_8);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Parameters.parse(new ByteArrayInputStream(bytes), UTF_8, new LinkedHashMap<>(), 10, 8));
        assertEquals("form body larger than 8 bytes", e.getMessage());
    }

    @Test
    void aLargeBodyWithoutLimitIsReadWhole() throws IOException {
        String value = "x".repeat(100_000);
        Map<String, List<String>> into = new LinkedHashMap<>();
        Parameters.parse(new ByteArrayInputStream(("v=" + value).getBytes(UTF_8)), UTF_8, into, 1, -1);
        assertEquals(value, into.get("v").get(0));
    }

    private static final class TrackedStream extends ByteArrayInputStream {
        boolean closed;

        TrackedStream(byte[] bytes) {
            super(bytes);
        }

        long length() {
            return count;
        }

        @Override
        public void close() throws IOException {
            closed = true;
            super.close();
        }
    }
}

package dev.usher.servlet.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** {@code value; name=token; name="quoted"} fields, as Content-Type and Content-Disposition have them. */
class HeaderParametersTest {

    @Test
    void readsTheValueAndTokenAndQuotedParameters() {
        HeaderParameters field = HeaderParameters.parse(" Form-Data ; name=\"a b\";filename=x.txt ;  size = 3");
        assertEquals("form-data", field.value());
        assertEquals(Map.of("name", "a b", "filename", "x.txt", "size", "3"), Map.copyOf(field.parameters()));
    }

    @Test
    void parameterNamesAreCaseInsensitive() {
        assertEquals("b1", HeaderParameters.parse("multipart/form-data; BOUNDARY=b1").parameter("boundary"));
    }

    @Test
    void theFirstOfARepeatedParameterCounts() {
        assertEquals("first", HeaderParameters.parse("form-data; name=first; name=second").parameter("name"));
    }

    @Test
    void aQuotedStringMayHoldSemicolonsEscapedQuotesAndLiteralBackslashes() {
        HeaderParameters field = HeaderParameters.parse(
                "form-data; a=\"x;y\"; b=\"\\\"q\\\" \\\\\"; c=\"C:\\dir\"; d=e");
        assertEquals("x;y", field.parameter("a"));
        assertEquals("\"q\" \\", field.parameter("b"));
        assertEquals("C:\\dir", field.parameter("c"));
        assertEquals("e", field.parameter("d"));
    }

    @Test
    void aParameterWithoutValueIsSkippedAndTheRestRead() {
        HeaderParameters field = HeaderParameters.parse("form-data; flag; name=n;; other=o;");
        assertNull(field.parameter("flag"));
        assertEquals("n", field.parameter("name"));
        assertEquals("o", field.parameter("other"));
    }

    @Test
    void anUnclosedQuoteEndsTheReadingKeepingWhatCameBefore() {
        HeaderParameters field = HeaderParameters.parse("form-data; name=n; filename=\"never closed; x=y");
        assertEquals("n", field.parameter("name"));
        assertNull(field.parameter("filename"));
        assertNull(field.parameter("x"));
    }

    @Test
    void aFieldWithoutParameters() {
        HeaderParameters field = HeaderParameters.parse("text/plain");
        assertEquals("text/plain", field.value());
        assertEquals(Map.of(), field.parameters());
    }
}

package dev.usher.dispatcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The access log's lines as UTF-8: the same bytes as the JDK's encoder, whatever the text. */
class Utf8LinesTest {

    private static byte[] bytes(Utf8Lines lines) {
        return Arrays.copyOf(lines.array(), lines.length());
    }

    @Test
    void linesAreEncodedAsTheJdkEncodesThemEachEndedByANewline() {
        List<String> texts = List.of("", "127.0.0.1 - - [05/Dec/2026:12:00:00 +0000] \"GET / HTTP/1.1\" 200 13",
                "caf\u00e9 \u00ff", "\u20ac \u0800 \u07ff \u0080 \uffff", "\ud83d\ude00 smile", "a\u00e9b\ud83d\ude00c");
        Utf8Lines lines = new Utf8Lines(4);
        StringBuilder expected = new StringBuilder();
        for (String text : texts) {
            lines.addLine(new StringBuilder(text));
            expected.append(text).append('\n');
        }
        assertArrayEquals(expected.toString().getBytes(StandardCharsets.UTF_8), bytes(lines));
    }

    @Test
    void aSurrogateWithoutItsPairBecomesAQuestionMark() {
        Utf8Lines lines = new Utf8Lines(1);
        lines.addLine("x\ud83dy\ude00");
        lines.addLine("end\ud83d");
        assertEquals("x?y?\nend?\n", new String(bytes(lines), StandardCharsets.UTF_8));
    }

    @Test
    void clearKeepsTheArray() {
        Utf8Lines lines = new Utf8Lines(2);
        lines.addLine("a long line that grows the array");
        int capacity = lines.capacity();
        lines.clear();
        lines.addLine("b");
        assertEquals(capacity, lines.capacity());
        assertEquals("b\n", new String(bytes(lines), StandardCharsets.US_ASCII));
    }
}

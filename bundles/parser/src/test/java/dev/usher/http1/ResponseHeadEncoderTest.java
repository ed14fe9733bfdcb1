package dev.usher.http1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class ResponseHeadEncoderTest {

    @Test
    void encodesStatusDateServerFieldsAndFraming() {
        ResponseHeadEncoder encoder = new ResponseHeadEncoder("usher");
        String text = encode(encoder, new ResponseHead(200, null, new String[] {"Content-Type", "text/plain"}, 1, 13, false, false));
        assertTrue(text.startsWith("HTTP/1.1 200 OK\r\nDate: "), text);
        assertTrue(text.matches("(?s).*\r\nDate: \\w{3}, \\d{2} \\w{3} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT\r\n.*"), text);
        assertTrue(text.endsWith("Server: usher\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\n"), text);
    }

    @Test
    void chunkedAndCloseAndNoServerWhenIdentIsEmpty() {
        String text = encode(new ResponseHeadEncoder(""), new ResponseHead(404, null, new String[0], 0, -1, true, true));
        assertTrue(text.startsWith("HTTP/1.1 404 Not Found\r\n"));
        assertTrue(!text.contains("Server:"));
        assertTrue(text.endsWith("Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"), text);
    }

    @Test
    void refusesResponseSplitting() {
        ResponseHeadEncoder encoder = new ResponseHeadEncoder("usher");
        assertThrows(IllegalArgumentException.class,
                () -> encoder.size(new ResponseHead(200, null, new String[] {"X", "a\r\nSet-Cookie: x"}, 1, 0, false, false)));
        assertThrows(IllegalArgumentException.class,
                () -> encoder.size(new ResponseHead(200, null, new String[] {"X\nY", "a"}, 1, 0, false, false)));
        assertThrows(IllegalArgumentException.class,
                () -> encoder.size(new ResponseHead(200, null, new String[] {"X", "a\u0000"}, 1, 0, false, false)));
    }

    @Test
    void customReasonPhrase() {
        String text = encode(new ResponseHeadEncoder(""), new ResponseHead(299, "Fine Indeed", new String[0], 0, 0, false, false));
        assertTrue(text.startsWith("HTTP/1.1 299 Fine Indeed\r\n"), text);
        assertThrows(IllegalArgumentException.class, () -> new ResponseHeadEncoder("")
                .size(new ResponseHead(200, "OK\r\nX: y", new String[0], 0, 0, false, false)));
    }

    @Test
    void chunkHeadersAreHex() {
        ByteBuffer out = ByteBuffer.allocate(64);
        ResponseHeadEncoder.chunkHeader(1, out);
        ResponseHeadEncoder.chunkHeader(255, out);
        ResponseHeadEncoder.chunkHeader(65536, out);
        out.flip();
        assertEquals("1\r\nff\r\n10000\r\n", StandardCharsets.US_ASCII.decode(out).toString());
    }

    private static String encode(ResponseHeadEncoder encoder, ResponseHead head) {
        int size = encoder.size(head);
        ByteBuffer out = ByteBuffer.allocate(size);
        encoder.encode(head, out);
        assertTrue(out.position() <= size);
        out.flip();
        return StandardCharsets.ISO_8859_1.decode(out).toString();
    }
}

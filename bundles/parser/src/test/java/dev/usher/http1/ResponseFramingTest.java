package dev.usher.http1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** RFC 9112, 6.3: how each response's body is delimited. */
class ResponseFramingTest {

    @Test
    void aDeclaredOrKnownLengthIsContentLength() {
        assertEquals(new ResponseFraming.FixedLength(5), ResponseFraming.of(200, 5, -1, true));
        assertEquals(new ResponseFraming.FixedLength(5), ResponseFraming.of(200, 5, 3, false), "declared wins");
        assertEquals(new ResponseFraming.FixedLength(13), ResponseFraming.of(200, -1, 13, false));
        assertEquals(new ResponseFraming.FixedLength(0), ResponseFraming.of(404, -1, 0, true));
        assertEquals(13, ResponseFraming.of(200, -1, 13, true).contentLengthField());
    }

    @Test
    void anUnknownLengthIsChunkedForHttp11AndEndsTheConnectionForHttp10() {
        ResponseFraming chunked = ResponseFraming.of(200, -1, -1, true);
        assertTrue(chunked.chunked());
        assertFalse(chunked.endsConnection());
        assertEquals(-1, chunked.contentLengthField());
        ResponseFraming untilClose = ResponseFraming.of(200, -1, -1, false);
        assertFalse(untilClose.chunked());
        assertTrue(untilClose.endsConnection());
        assertTrue(untilClose.hasBody());
    }

    @Test
    void noContentAndNotModifiedHaveNoBody() {
        ResponseFraming noContent = ResponseFraming.of(204, 10, 10, true);
        assertFalse(noContent.hasBody());
        assertEquals(-1, noContent.contentLengthField(), "204 never says Content-Length");
        ResponseFraming notModified = ResponseFraming.of(304, 1234, 0, true);
        assertFalse(notModified.hasBody());
        assertEquals(1234, notModified.contentLengthField(), "304 may tell the full response's length");
        assertEquals(-1, ResponseFraming.of(304, -1, 0, false).contentLengthField());
        assertFalse(ResponseFraming.of(304, -1, -1, false).endsConnection());
    }

    @Test
    void theInterimContinueResponse() {
        assertEquals("HTTP/1.1 100 Continue\r\n\r\n",
                new String(ResponseHeadEncoder.continueResponse(), StandardCharsets.US_ASCII));
    }
}

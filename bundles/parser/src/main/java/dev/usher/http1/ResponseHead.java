package dev.usher.http1;

/**
 * What goes into a response head besides the constant parts.
 *
 * @param status the status code
 * @param reason the reason phrase, or null for the standard one
 * @param fields the application's fields as alternating names and values
 * @param fieldCount how many pairs of {@code fields} to send
 * @param contentLength the body's length for a {@code Content-Length} field, or -1 for none
 * @param chunked whether the body is sent with chunked framing
 * @param close whether the server closes the connection after this response
 */
public record ResponseHead(int status, String reason, String[] fields, int fieldCount, long contentLength, boolean chunked,
        boolean close) {
}

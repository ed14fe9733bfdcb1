package dev.usher.http1;

/**
 * How a response's body is delimited on the wire (RFC 9112, section 6.3), decided in this one
 * place from what the server knows when the head goes out.
 */
public sealed interface ResponseFraming {

    /**
     * No body follows, whatever the application wrote: 204 and 304 (RFC 9110, 15.3.5 and 15.4.5).
     *
     * @param advertisedLength a 304's {@code Content-Length}, the length the full response would
     *     have had, when the application declared one; else -1
     */
    record NoBody(long advertisedLength) implements ResponseFraming {
    }

    /** {@code Content-Length: length}, then exactly that many bytes. */
    record FixedLength(long length) implements ResponseFraming {
    }

    /** {@code Transfer-Encoding: chunked}: an HTTP/1.1 client, a length not known yet. */
    record Chunked() implements ResponseFraming {
    }

    /** An HTTP/1.0 client and a length not known: the body ends with the connection. */
    record CloseDelimited() implements ResponseFraming {
    }

    /**
     * The framing of a response.
     *
     * @param status its status code
     * @param declaredLength the length the application declared, or -1
     * @param knownLength the length of the whole body when it is complete before the head goes
     *     out, or -1
     * @param http11 whether the client speaks HTTP/1.1, and so takes chunked framing
     */
    static ResponseFraming of(int status, long declaredLength, long knownLength, boolean http11) {
        if (status == 204 || status == 304) {
            return new NoBody(status == 304 ? declaredLength : -1);
        }
        long length = declaredLength >= 0 ? declaredLength : knownLength;
        if (length >= 0) {
            return new FixedLength(length);
        }
        return http11 ? new Chunked() : new CloseDelimited();
    }

    /** The value of the head's {@code Content-Length} field, or -1 for none. */
    default long contentLengthField() {
        if (this instanceof FixedLength fixed) {
            return fixed.length();
        }
        return this instanceof NoBody none ? none.advertisedLength() : -1;
    }

    /** Whether the body is sent in chunks. */
    default boolean chunked() {
        return this instanceof Chunked;
    }

    /** Whether the body may hold bytes at all. */
    default boolean hasBody() {
        return !(this instanceof NoBody);
    }

    /** Whether the connection must end after this response for its body to end. */
    default boolean endsConnection() {
        return this instanceof CloseDelimited;
    }
}

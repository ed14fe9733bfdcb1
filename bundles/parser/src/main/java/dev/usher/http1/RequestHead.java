package dev.usher.http1;

/**
 * A parsed request head: the request line, the header fields and what the framing fields say.
 * Immutable once the parser hands it out.
 */
public final class RequestHead {

    private final String method;
    private final String target;
    private final HttpVersion version;
    private final String[] fields;
    private final int fieldCount;
    private final long contentLength;
    private final boolean keepAlive;
    private final boolean expectContinue;

    RequestHead(String method, String target, HttpVersion version, String[] fields, int fieldCount,
            long contentLength, boolean keepAlive, boolean expectContinue) {
        this.method = method;
        this.target = target;
        this.version = version;
        this.fields = fields;
        this.fieldCount = fieldCount;
        this.contentLength = contentLength;
        this.keepAlive = keepAlive;
        this.expectContinue = expectContinue;
    }

    /** The method, exactly as sent. */
    public String method() {
        return method;
    }

    /** The request-target, exactly as sent. */
    public String target() {
        return target;
    }

    /** The protocol version. */
    public HttpVersion version() {
        return version;
    }

    /** How many header fields there are. */
    public int fieldCount() {
        return fieldCount;
    }

    /** The lower-case name of field {@code i}. */
    public String fieldName(int i) {
        return fields[2 * i];
    }

    /** The value of field {@code i}, without surrounding whitespace. */
    public String fieldValue(int i) {
        return fields[2 * i + 1];
    }

    /** The value of the first field named {@code lowerCaseName}, or null. */
    public String field(String lowerCaseName) {
        for (int i = 0; i < fieldCount; i++) {
            if (fields[2 * i].equals(lowerCaseName)) {
                return fields[2 * i + 1];
            }
        }
        return null;
    }

    /** The length of the body in bytes: 0 when the request has none, -1 when it is chunked. */
    public long contentLength() {
        return contentLength;
    }

    /** Whether the body comes in chunks, its length unknown until the last one. */
    public boolean chunked() {
        return contentLength < 0;
    }

    /** Whether the request has a body, of known length or chunked. */
    public boolean hasBody() {
        return contentLength != 0;
    }

    /**
     * Whether the client waits for {@code 100 Continue} before sending the body: an HTTP/1.1
     * {@code Expect: 100-continue} on a request with a body.
     */
    public boolean expectContinue() {
        return expectContinue;
    }

    /** Whether the client lets the connection persist after this request. */
    public boolean keepAlive() {
        return keepAlive;
    }

    @Override
    public String toString() {
        return method + " " + target + " " + version.text();
    }
}

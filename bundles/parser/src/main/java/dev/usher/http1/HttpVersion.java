package dev.usher.http1;

/** The protocol versions Usher speaks. */
public enum HttpVersion {
    /** HTTP/1.0: connections close unless the client asks for keep-alive. */
    HTTP_1_0("HTTP/1.0"),
    /** HTTP/1.1: connections persist unless either side says close. */
    HTTP_1_1("HTTP/1.1");

    private final String text;

    HttpVersion(String text) {
        this.text = text;
    }

    /** The version as written on the wire, e.g. {@code HTTP/1.1}. */
    public String text() {
        return text;
    }
}

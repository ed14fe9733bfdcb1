package dev.usher.dispatcher;

import java.io.IOException;

/**
 * A client spoke plain HTTP to a TLS port: the connection answers 400 in plain text, as nginx
 * does, rather than a TLS alert the client cannot read.
 */
final class PlainHttpOnTlsPortException extends IOException {

    private static final long serialVersionUID = 1L;

    /** The body of the 400, nginx's words. */
    static final String MESSAGE = "The plain HTTP request was sent to HTTPS port";

    PlainHttpOnTlsPortException() {
        super(MESSAGE);
    }
}

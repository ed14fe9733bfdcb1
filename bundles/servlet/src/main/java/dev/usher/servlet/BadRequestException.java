package dev.usher.servlet;

/**
 * A request the servlet API cannot present as the client sent it (malformed form encoding,
 * too many parameters, an unknown charset): answered {@code 400} with the message, not
 * {@code 500}, since the fault is the client's.
 */
final class BadRequestException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    BadRequestException(String message) {
        super(message);
    }
}

package dev.usher.servlet;

/**
 * A whiteboard service whose properties break the specification's rules: it is reported as a
 * failure DTO with {@code FAILURE_REASON_VALIDATION_FAILED} and the message is logged.
 */
final class InvalidServiceException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    InvalidServiceException(String message) {
        super(message);
    }
}

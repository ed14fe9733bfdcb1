package dev.usher.dispatcher;

import java.io.IOException;

/**
 * Why a streamed request body cannot be read to its end: the client's doing, not the
 * application's. The application reading the body gets an {@link IOException} caused by this; a
 * {@link Task} that sees it come back from the application answers the request's own error (the
 * body was invalid or too large), or, when the client left, answers nothing and logs no error.
 */
final class BodyAbortedException extends IOException {

    private static final long serialVersionUID = 1L;

    private final int status;

    /**
     * @param status the status the body was refused with (400, 413, ...), or 0 when the client
     *     left or the connection closed before the body ended
     */
    BodyAbortedException(String message, int status) {
        super(message);
        this.status = status;
    }

    /** The status the body was refused with, or 0 when the client left. */
    int status() {
        return status;
    }

    /** The body's abort among {@code thrown} and its causes, or null. */
    static BodyAbortedException in(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof BodyAbortedException aborted) {
                return aborted;
            }
        }
        return null;
    }
}

package dev.usher.http1;

/**
 * Input the parser refuses, with the status the client should get. After it the connection
 * cannot be trusted to be framed any more: the server answers and closes.
 */
public final class InvalidRequestException extends Exception {

    private static final long serialVersionUID = 1L;

    private final int status;

    /**
     * @param status the response status this input deserves (400, 413, 431, 501, 505, ...)
     * @param message what was wrong, short enough to show the client
     */
    public InvalidRequestException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    /** The response status this input deserves. */
    public int status() {
        return status;
    }
}

package dev.usher.api;

import java.util.function.Consumer;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A response that outlives the call that started it ({@link HttpResponse#startAsync}): the
 * application returns from {@link HttpApplication#handle} and answers later, from any thread --
 * a long poll answered when a message comes, a stream of events written over minutes. No thread
 * is held while it waits.
 *
 * <p><b>Threads.</b> Every method here, and every method of {@link #response()} and of its body
 * stream, may be called from any thread; the server orders the calls (one at a time). A body
 * write may wait while more than {@code outbuf_high_watermark} bytes are pending for a client
 * that does not read, as it does in {@code handle}; so a thread that writes to many responses
 * should not mind one slow client holding it up, or should write from a thread per response.
 *
 * <p><b>Ending.</b> It ends exactly once, by the first of: {@link #complete()},
 * {@link #fail(Throwable)}, its timeout expiring, the client leaving, or the server stopping
 * (after {@code graceful_timeout}). Only the last three are told to the {@linkplain #onEnd
 * listener}. Once ended, writing to the body throws {@link java.io.IOException}, and
 * {@code complete} and {@code fail} return {@code false}.
 */
@ProviderType
public interface AsyncResponse {

    /** Why a response ended without the application ending it. */
    enum Ending {
        /**
         * Its timeout expired: the server answered {@code 503 Service Unavailable}, or closed
         * the connection if the head had been sent already.
         */
        TIMED_OUT,
        /** The client closed the connection: nothing more can be sent. */
        CLIENT_LEFT,
        /** The server stopped, and {@code graceful_timeout} passed: the connection was closed. */
        SERVER_STOPPED
    }

    /** The response to write to: the same object {@code handle} was given. */
    HttpResponse response();

    /**
     * Finishes the response, as returning from {@code handle} would: what is buffered is sent
     * (with its length, if nothing was sent yet), a chunked body is ended. Any thread.
     *
     * @return false when it had ended already
     */
    boolean complete();

    /**
     * Ends the response as a failed call: {@code 500} if nothing was sent yet, else the
     * connection closes, so the client sees a truncated response, never a wrong one. Any thread.
     *
     * @param cause logged by the server
     * @return false when it had ended already
     */
    boolean fail(Throwable cause);

    /** Whether it has not ended yet. */
    boolean isOpen();

    /**
     * Sets what to call when the response ends without the application ending it (a timeout,
     * the client leaving, the server stopping), replacing the previous listener. It is called
     * once, on a server thread, and must return quickly (drop the waiter, no blocking work); if
     * the response ended so already, it is called at once, on the caller's thread.
     */
    void onEnd(Consumer<Ending> listener);
}

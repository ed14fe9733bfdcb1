package dev.usher.servlet;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The whiteboard's own threads: one timer (asynchronous timeouts, session expiry) and a pool
 * for asynchronous dispatches and {@code AsyncContext.start}. Requests themselves run on
 * Usher's threads.
 */
record WhiteboardThreads(ScheduledExecutorService timer, ExecutorService executor) {

    /** Stops both; what is queued is dropped, since the whiteboard is going away. */
    void shutdown() {
        timer.shutdownNow();
        executor.shutdownNow();
    }
}

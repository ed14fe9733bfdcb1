package dev.usher.dispatcher;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import dev.usher.api.AsyncResponse;
import dev.usher.api.HttpResponse;
import dev.usher.http1.StatusReasons;

/**
 * One asynchronous response ({@link HttpResponse#startAsync}): who ends it, and what follows.
 *
 * <p>It ends once, by whichever comes first of the application ({@link #complete},
 * {@link #fail}), its timeout, the client leaving and the server closing the connection; the
 * ending finishes the response under the response's lock. Then the request's task goes on: if
 * the application's call is still running, the task sees the ending when the call returns;
 * if the call had returned (the task {@linkplain #callReturned left the request waiting}), the
 * ending thread hands it back ({@link Task#asyncEnded}).
 */
final class AsyncExchange implements AsyncResponse {

    /** Makes a response asynchronous; the task answering it is one. */
    interface Starter {

        /** A writer for the response from now on, independent of the calling thread's buffer. */
        ResponseWriter writer();

        /** The exchange for {@code response}, its timer started (null timeout: none). */
        AsyncExchange start(BufferedResponse response, Duration timeout);
    }

    /** Where the application's call is, against the ending. */
    private enum Phase {
        /** {@code handle} runs. */
        CALLING,
        /** {@code handle} returned before the response ended: the ending hands the task back. */
        WAITING,
        /** The response ended while {@code handle} ran: the task goes on once it returns. */
        ENDED_IN_CALL
    }

    private final Task task;
    private final int index;
    private final BufferedResponse response;
    private final Connection connection;
    private final Server server;
    private final Object request;
    private final AtomicReference<Phase> phase = new AtomicReference<>(Phase.CALLING);
    private final AtomicBoolean ended = new AtomicBoolean();
    private final AtomicBoolean told = new AtomicBoolean();
    private volatile ScheduledFuture<?> timer;
    private volatile Consumer<Ending> listener;
    private volatile Ending endedBy;

    /**
     * @param task the task answering the request; told when it ends after the call returned
     * @param index the request's place in the task's batch
     * @param request what the request is, for the log
     */
    AsyncExchange(Task task, int index, BufferedResponse response, Connection connection, Server server,
            Object request, Duration timeout) {
        this.task = task;
        this.index = index;
        this.response = response;
        this.connection = connection;
        this.server = server;
        this.request = request;
        if (timeout != null) {
            timer = server.asyncTimer().schedule(this::timedOut, timeout.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public HttpResponse response() {
        return response;
    }

    /** The response, as the server handles it. */
    BufferedResponse bufferedResponse() {
        return response;
    }

    @Override
    public boolean complete() {
        return end(null, () -> {
            response.finish(false);
            if (response.problem() != null) {
                server.logger().error("Response to {}: {}", request, response.problem());
            }
        });
    }

    @Override
    public boolean fail(Throwable cause) {
        return end(null, () -> {
            server.logger().error("Application failed on {}", request, cause);
            if (!response.committed()) {
                response.serverError(500, StatusReasons.reason(500) + "\r\n\r\nThe application raised an exception.\r\n",
                        false);
                response.finish(false);
            } else {
                response.finish(true);
            }
        });
    }

    @Override
    public boolean isOpen() {
        return !ended.get();
    }

    @Override
    public void onEnd(Consumer<Ending> next) {
        listener = next;
        tell();
    }

    /** Whether the client left (or the connection closed) before the application ended it. */
    boolean clientLeft() {
        return endedBy == Ending.CLIENT_LEFT || endedBy == Ending.SERVER_STOPPED;
    }

    /**
     * The application's call returned; true when the response waits (the task leaves it and is
     * told when it ends), false when it ended already during the call.
     */
    boolean callReturned() {
        return phase.compareAndSet(Phase.CALLING, Phase.WAITING);
    }

    /** The connection read the end of its input, or closed: nobody is left to answer. Any thread. */
    void connectionGone(boolean serverStopping) {
        end(serverStopping ? Ending.SERVER_STOPPED : Ending.CLIENT_LEFT, response::abandon);
    }

    private void timedOut() {
        end(Ending.TIMED_OUT, () -> {
            if (!response.committed()) {
                response.serverError(503, StatusReasons.reason(503)
                        + "\r\n\r\nThe application did not answer in time.\r\n", false);
                response.finish(false);
            } else {
                // the head is gone: only a cut-short body tells the client
                response.abandon();
            }
        });
    }

    /**
     * Ends the exchange with {@code finishing} (run holding the response's lock), unless it has
     * ended already; {@code reason} is told to the listener (null: the application ended it).
     */
    private boolean end(Ending reason, Runnable finishing) {
        if (!ended.compareAndSet(false, true)) {
            return false;
        }
        ScheduledFuture<?> pending = timer;
        if (pending != null && reason != Ending.TIMED_OUT) {
            pending.cancel(false);
        }
        if (reason != Ending.TIMED_OUT) {
            response.enter();
        } else if (!response.tryEnter()) {
            // the application is writing, and may wait for a client that does not read: closing
            // the connection releases it (its writes then go nowhere), and the response with it
            connection.closeSoon();
            response.enter();
        }
        try {
            finishing.run();
            response.writer().flush();
        } finally {
            response.exit();
        }
        if (reason != null) {
            endedBy = reason;
            tell();
        }
        if (!phase.compareAndSet(Phase.CALLING, Phase.ENDED_IN_CALL)) {
            task.asyncEnded(index, this);
        }
        return true;
    }

    /** Tells the listener why it ended, once, if it ended by a reason and there is a listener. */
    private void tell() {
        Consumer<Ending> current = listener;
        Ending reason = endedBy;
        if (current != null && reason != null && told.compareAndSet(false, true)) {
            try {
                current.accept(reason);
            } catch (RuntimeException | LinkageError e) {
                server.logger().error("The end listener of {} failed", request, e);
            }
        }
    }
}

package dev.usher.dispatcher;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.usher.api.HttpApplication;
import dev.usher.http1.HttpVersion;
import dev.usher.http1.RequestHead;
import dev.usher.http1.StatusReasons;

/**
 * Answers one batch of a connection's requests, in order, on an application thread, then
 * hands the connection back to its I/O loop. An application's exception becomes a 500 for its
 * request (or, once the response is committed, the end of the connection), never a dead thread.
 */
final class Task implements Runnable, CallPacing.Calls, AsyncExchange.Starter {

    /** What answering one request left the connection to do. */
    private enum Answered {
        /** Go on with the next request. */
        KEEP,
        /** Close the connection after what was sent. */
        CLOSE,
        /** Nothing yet: the response is asynchronous, and its ending goes on. */
        WAITING
    }

    private final Server server;
    private final Connection connection;
    private final List<ReceivedRequest> requests;
    private long applicationNanos;
    /** The index of the request being answered, for an asynchronous response it may start. */
    private int answering;
    /** Counts the requests {@link #run} answers, while the server counts; null otherwise. */
    private RequestTally tally;

    Task(Server server, Connection connection, List<ReceivedRequest> requests) {
        this.server = server;
        this.connection = connection;
        this.requests = requests;
    }

    /** The time spent in applications' {@code handle}, all requests together; once run. */
    long applicationNanos() {
        return applicationNanos;
    }

    /** How many requests it answers. */
    @Override
    public int size() {
        return requests.size();
    }

    /** The application answering request {@code i}; null for one the server answers itself. */
    @Override
    public HttpApplication application(int i) {
        ServedRequest served = requests.get(i).served();
        return served == null ? null : served.mount().application();
    }

    /** Lets the requests go unanswered, as their connection closes: no body or temporary file outlives them. */
    void abandon() {
        requests.forEach(ReceivedRequest::discard);
    }

    @Override
    public void run() {
        ResponseWriter writer = new ResponseWriter(connection, server.encoder());
        boolean close = false;
        boolean waiting = false;
        ServerMetrics metrics = server.metrics();
        tally = metrics.enabled() ? RequestTally.of(metrics) : null;
        try {
            for (int i = 0; i < requests.size(); i++) {
                ReceivedRequest request = requests.get(i);
                if (!close) {
                    answering = i;
                    Answered answered = answer(request, writer);
                    if (answered == Answered.WAITING) {
                        // the requests from this one on are the exchange's to finish
                        waiting = true;
                        writer.flush();
                        return;
                    }
                    close = answered == Answered.CLOSE;
                }
                request.discard();
            }
            writer.flush();
        } catch (RuntimeException | Error e) {
            server.logger().error("Failed answering requests", e);
            close = true;
        } finally {
            if (tally != null) {
                // before the connection is handed back: it may be this thread's next task's
                tally.flush(System.nanoTime());
                tally = null;
            }
            if (!waiting) {
                // whatever happened, no body or temporary file outlives the batch
                requests.forEach(ReceivedRequest::discard);
                connection.taskDone(close);
            }
        }
    }

    @Override
    public ResponseWriter writer() {
        return new ResponseWriter(connection, server.encoder(), true);
    }

    @Override
    public AsyncExchange start(BufferedResponse response, Duration timeout) {
        return new AsyncExchange(this, answering, response, connection, server, requests.get(answering).served(),
                timeout);
    }

    /**
     * The asynchronous response to request {@code index} ended after its call returned: logs
     * it, then answers the requests after it on the pool (or a virtual thread), never on the
     * thread that ended it, or hands the connection back. Any thread.
     */
    void asyncEnded(int index, AsyncExchange exchange) {
        ReceivedRequest received = requests.get(index);
        BufferedResponse response = exchange.bufferedResponse();
        boolean clientLeft = exchange.clientLeft();
        // not through the tally: this thread may not be the one running the task, nor its end
        logAccess(received, received.served(), response, clientLeft, null);
        received.discard();
        connection.asyncEnded();
        boolean close = response.closesConnection() || clientLeft;
        List<ReceivedRequest> rest = new ArrayList<>(requests.subList(index + 1, requests.size()));
        if (close || rest.isEmpty()) {
            rest.forEach(ReceivedRequest::discard);
            connection.taskDone(close);
        } else {
            server.applicationCalls().runAway(new Task(server, connection, rest));
        }
    }

    /** Answers one request: what the connection does next. */
    private Answered answer(ReceivedRequest received, ResponseWriter writer) {
        RequestHead head = received.head();
        if (received.isContinue()) {
            // at once: the client waits for it before sending the body the next answer reads
            writer.interimContinue();
            writer.flush();
            return Answered.KEEP;
        }
        if (received.isRefused()) {
            // a request refused once framed (its target or a proxy field) may be HEAD: no body then
            BufferedResponse response = new BufferedResponse(writer, head != null && head.method().equals("HEAD"),
                    true, false);
            int status = received.refusedStatus();
            response.serverError(status, errorText(status, received.refusedMessage()), true);
            response.finish(false);
            logAccess(received, null, response);
            return Answered.CLOSE;
        }
        ServedRequest request = received.served();
        BufferedResponse response = new BufferedResponse(writer, head.method().equals("HEAD"),
                head.version() == HttpVersion.HTTP_1_1, head.keepAlive(), request == null ? null : this);
        if (request == null) {
            response.serverError(404, errorText(404, "No application is mounted at this path"), false);
            response.finish(false);
            logAccess(received, null, response);
            return response.closesConnection() ? Answered.CLOSE : Answered.KEEP;
        }
        if (received.streams()) {
            // the answers before it leave now: its application may wait for a client that waits for them
            writer.flush();
        }
        boolean failed = false;
        boolean clientLeft = false;
        Throwable asyncFailure = null;
        CallWatchdog watchdog = server.watchdog();
        boolean watched = watchdog.enter(request, connection.loop(), server.adjustments().timeout());
        long start = System.nanoTime();
        try {
            request.mount().application().handle(request, response);
        } catch (Exception | LinkageError | AssertionError e) {
            if (response.exchange() != null) {
                // asynchronous already: its exchange ends it, as a failure
                asyncFailure = e;
            } else {
                failed = true;
                BodyAbortedException aborted = BodyAbortedException.in(e);
                if (aborted != null && aborted.status() == 0) {
                    // nobody to answer, and nothing the application did wrong
                    clientLeft = true;
                    server.socketError("reading the body of " + request, aborted);
                } else if (aborted != null) {
                    // the body was refused as it arrived: the request's own error, as for a buffered body
                    if (!response.committed()) {
                        response.serverError(aborted.status(), errorText(aborted.status(), aborted.getMessage()), true);
                        failed = false;
                    }
                } else {
                    server.logger().error("Application failed on {}", request, e);
                }
                if (aborted == null && !response.committed()) {
                    String text = server.adjustments().exposeTracebacks()
                            ? errorText(500, "The application raised an exception.\r\n\r\n" + trace(e))
                            : errorText(500, "The application raised an exception.");
                    response.serverError(500, text, false);
                    failed = false;
                }
            }
        } finally {
            applicationNanos += System.nanoTime() - start;
            watchdog.exit(watched);
        }
        AsyncExchange exchange = response.exchange();
        if (exchange != null) {
            if (asyncFailure != null) {
                exchange.fail(asyncFailure);
            }
            // watched for the client leaving before the ending can hand the connection back
            connection.awaitAsync(exchange);
            if (exchange.callReturned()) {
                return Answered.WAITING;
            }
            // ended while the call ran: the exchange finished the response
            connection.asyncEnded();
            boolean left = exchange.clientLeft();
            logAccess(received, request, response, left, tally);
            return response.closesConnection() || left ? Answered.CLOSE : Answered.KEEP;
        }
        if (clientLeft) {
            response.abandon();
        } else {
            response.finish(failed);
        }
        if (response.problem() != null) {
            server.logger().error("Response to {}: {}", request, response.problem());
        }
        logAccess(received, request, response, clientLeft, tally);
        return response.closesConnection() || clientLeft ? Answered.CLOSE : Answered.KEEP;
    }

    private void logAccess(ReceivedRequest received, ServedRequest request, BufferedResponse response) {
        logAccess(received, request, response, false, tally);
    }

    /**
     * Counts an answered request and logs it.
     *
     * @param clientLeft whether the client left before its request was answered: logged as 499, as nginx does
     * @param into the tally of the thread running this task, which counts it; null to count it at once
     */
    private void logAccess(ReceivedRequest received, ServedRequest request, BufferedResponse response,
            boolean clientLeft, RequestTally into) {
        AccessLog log = server.accessLog();
        ServerMetrics metrics = server.metrics();
        boolean counted = metrics.enabled();
        if (log == null && !counted) {
            return;
        }
        long now = System.nanoTime();
        long started = received.startNanos() != 0 ? received.startNanos() : now;
        int status = clientLeft ? 499 : response.status();
        if (counted) {
            String mount = request == null ? ServerMetrics.NO_MOUNT : MountPoint.label(request.mount().prefix());
            if (into == null) {
                metrics.answered(mount, status, now - started, now);
            } else {
                into.answered(mount, status, now - started);
            }
            if (received.isRefused()) {
                metrics.refused(status);
            }
        }
        if (log != null) {
            String remote = request != null ? request.remoteAddress() : connection.peer().remoteAddress();
            log.log(new AccessLog.Entry(request, received.head(), remote, status, response.bodyLength(), now - started,
                    response));
        }
    }

    private static String errorText(int status, String detail) {
        return StatusReasons.reason(status) + "\r\n\r\n" + detail + "\r\n";
    }

    private static String trace(Throwable t) {
        StringWriter text = new StringWriter();
        t.printStackTrace(new PrintWriter(text));
        return text.toString();
    }
}

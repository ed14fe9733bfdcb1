package dev.usher.soak;

import java.io.IOException;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * A well-behaved client: one request at a time, each response read whole and checked, at a
 * steady pace. Keep-alive, it reuses its connection until the server says {@code Connection:
 * close} or closes it; otherwise it opens a connection per request, as curl does.
 *
 * <p>Its only tolerance: RFC 9112 9.3.1 lets a client send a request again on a new connection
 * when the kept-alive one turns out closed before any byte of the response arrived (the server
 * may close an idle connection at any time). That is done once, counted as retried, not as an
 * error; the requests here are idempotent in effect (the echo and upload applications keep
 * nothing). Anything else -- a timeout, a reset after the request was sent, a partial response,
 * a wrong status or body -- is an error.
 */
public final class NormalClient implements Runnable {

    private final Target target;
    private final boolean keepAlive;
    private final Supplier<NormalRequest> requests;
    private final LatencyRecorder recorder;
    private final Lifetime lifetime;
    private final Duration pace;
    private final int timeoutMillis;
    private ClientConnection connection;

    /**
     * @param pace the time from one request's start to the next's
     * @param timeout the longest a request may take, response read whole
     */
    public NormalClient(Target target, boolean keepAlive, Supplier<NormalRequest> requests, LatencyRecorder recorder,
            Lifetime lifetime, Duration pace, Duration timeout) {
        this.target = target;
        this.keepAlive = keepAlive;
        this.requests = requests;
        this.recorder = recorder;
        this.lifetime = lifetime;
        this.pace = pace;
        this.timeoutMillis = (int) timeout.toMillis();
    }

    @Override
    public void run() {
        try {
            while (lifetime.running()) {
                long start = System.nanoTime();
                once(requests.get());
                long next = start + pace.toNanos();
                if (!lifetime.pause(Duration.ofNanos(Math.max(0, next - System.nanoTime())))) {
                    break;
                }
            }
        } finally {
            drop();
        }
    }

    private void once(NormalRequest request) {
        long start = System.nanoTime();
        try {
            Response response = exchange(request);
            long nanos = System.nanoTime() - start;
            String problem = request.problem(response);
            if (problem != null) {
                error(request, problem);
                drop();
            } else if (nanos > timeoutMillis * 1_000_000L) {
                error(request, "answered after " + nanos / 1_000_000 + " ms, over the " + timeoutMillis + " ms timeout");
            } else {
                recorder.answered(nanos);
            }
            if (!keepAlive || response.closes()) {
                drop();
            }
        } catch (IOException | RuntimeException e) {
            error(request, e.toString());
            drop();
        }
    }

    private Response exchange(NormalRequest request) throws IOException {
        boolean reused = connection != null;
        try {
            return exchangeOnce(request);
        } catch (Response.NoResponseException e) {
            if (!reused || !e.retryable || !lifetime.running()) {
                throw e;
            }
            drop();
            recorder.retried();
            return exchangeOnce(request);
        }
    }

    private Response exchangeOnce(NormalRequest request) throws IOException {
        if (connection == null) {
            connection = ClientConnection.open(target, timeoutMillis, lifetime);
        }
        connection.send(request.bytes());
        return connection.read(false);
    }

    private void error(NormalRequest request, String what) {
        // a request cut off because the soak is stopping is nobody's error
        if (lifetime.running()) {
            recorder.error((keepAlive ? "keep-alive " : "new connection ") + request.name() + ": " + what);
        }
    }

    private void drop() {
        if (connection != null) {
            connection.close();
            connection = null;
        }
    }
}

package dev.usher.soak;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What the normal clients saw: every request's latency, the errors (with the first messages),
 * and the retries RFC 9112 9.3.1 allows; by sampling interval and in total. Thread-safe.
 */
public final class LatencyRecorder {

    private static final int KEPT_ERRORS = 30;

    /** One interval's (or the whole run's) figures. */
    public record Figures(long requests, long errors, long retried, Duration p50, Duration p99, Duration max) {
        static Figures of(LatencyHistogram latencies, long errors, long retried) {
            return new Figures(latencies.count() + errors, errors, retried, latencies.percentile(0.50),
                    latencies.percentile(0.99), latencies.max());
        }
    }

    private final long startNanos = System.nanoTime();
    private LatencyHistogram interval = new LatencyHistogram();
    private final LatencyHistogram total = new LatencyHistogram();
    private long intervalErrors;
    private long intervalRetried;
    private long totalErrors;
    private long totalRetried;
    private final List<String> firstErrors = new ArrayList<>();

    /** A request answered as expected, {@code nanos} after it was sent. */
    public synchronized void answered(long nanos) {
        interval.record(nanos);
        total.record(nanos);
    }

    /** A request that failed; {@code what} says which and how. */
    public synchronized void error(String what) {
        intervalErrors++;
        totalErrors++;
        if (firstErrors.size() < KEPT_ERRORS) {
            long seconds = Duration.ofNanos(System.nanoTime() - startNanos).toSeconds();
            firstErrors.add("+" + seconds + "s " + what);
        }
    }

    /** A request sent again on a new connection: the server had closed the kept-alive one before it. */
    public synchronized void retried() {
        intervalRetried++;
        totalRetried++;
    }

    /** The figures since the last call, starting a new interval. */
    public synchronized Figures interval() {
        Figures figures = Figures.of(interval, intervalErrors, intervalRetried);
        interval = new LatencyHistogram();
        intervalErrors = 0;
        intervalRetried = 0;
        return figures;
    }

    public synchronized Figures total() {
        return Figures.of(total, totalErrors, totalRetried);
    }

    /** The first errors (at most 30), each with the second of the run it happened in. */
    public synchronized List<String> firstErrors() {
        return new ArrayList<>(firstErrors);
    }
}

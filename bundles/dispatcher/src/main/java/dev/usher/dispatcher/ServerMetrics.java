package dev.usher.dispatcher;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import dev.usher.dispatcher.monitor.StatusClass;
import dev.usher.dispatcher.monitor.Traffic;

/**
 * What one server counts as it answers, for its status and metrics. Every per-request count is a
 * striped counter ({@link LongAdder}), so threads answering at once do not contend on a word, and
 * none takes a lock; a task adds its requests once, at its end ({@link RequestTally}), and an
 * asynchronous response when it ends ({@link #answered}). The rare events (a configuration
 * change, a loop replaced) are plain atomics. While {@code metrics} is false nothing per request
 * is counted.
 */
final class ServerMetrics {

    /** The mount key of responses no application gave: nothing mounted, refusals. */
    static final String NO_MOUNT = Traffic.NO_MOUNT;

    private volatile boolean enabled;
    /** By mount prefix ({@code /} for the catch-all), and {@link #NO_MOUNT}; the totals are their sums. */
    private final ConcurrentHashMap<String, StatusCounts> byMount = new ConcurrentHashMap<>();
    private final DurationBuckets durations = new DurationBuckets();
    private final LastMinuteCounts lastMinute;
    private final ConcurrentHashMap<Integer, LongAdder> refusals = new ConcurrentHashMap<>();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final LongAdder spilledRequests = new LongAdder();
    private final LongAdder spilledResponses = new LongAdder();
    private final AtomicLong configApplied = new AtomicLong();
    private final AtomicLong configRefused = new AtomicLong();
    private volatile String lastRefusal;
    private final AtomicLong loopRestarts = new AtomicLong();

    ServerMetrics(boolean enabled, long nowNanos) {
        this.enabled = enabled;
        this.lastMinute = new LastMinuteCounts(nowNanos);
    }

    /** Turns per-request counting on or off ({@code metrics}); what was counted stays. */
    void enabled(boolean on) {
        enabled = on;
    }

    boolean enabled() {
        return enabled;
    }

    /**
     * One request answered, outside a task's tally; the caller has checked {@link #enabled}.
     *
     * @param mount the prefix of the application that answered ({@code /} for the catch-all), or
     *     {@link #NO_MOUNT}
     */
    void answered(String mount, int status, long nanos, long nowNanos) {
        StatusClass statusClass = StatusClass.of(status);
        countsAt(mount).count(statusClass);
        durations.record(nanos);
        lastMinute.count(statusClass, nowNanos);
    }

    /** Adds the responses a {@link RequestTally} counted at {@code mount}, by class ordinal. */
    void addToMount(String mount, long[] perClass) {
        countsAt(mount).add(perClass);
    }

    /** Adds what a {@link RequestTally} counted over its task: durations by bucket, and the last minute's classes. */
    void add(long[] perClass, long[] perBucket, long sumNanos, long nowNanos) {
        durations.add(perBucket, sumNanos);
        lastMinute.add(perClass, nowNanos);
    }

    private StatusCounts countsAt(String mount) {
        StatusCounts counts = byMount.get(mount);
        return counts != null ? counts : byMount.computeIfAbsent(mount, key -> new StatusCounts());
    }

    /** A request the server refused before any application saw it, with {@code status}. */
    void refused(int status) {
        LongAdder refusalCount = refusals.get(status);
        if (refusalCount == null) {
            refusalCount = refusals.computeIfAbsent(status, key -> new LongAdder());
        }
        refusalCount.increment();
    }

    void received(long bytes) {
        if (enabled) {
            bytesIn.add(bytes);
        }
    }

    void sent(long bytes) {
        if (enabled && bytes > 0) {
            bytesOut.add(bytes);
        }
    }

    void spilledRequest() {
        if (enabled) {
            spilledRequests.increment();
        }
    }

    void spilledResponse() {
        if (enabled) {
            spilledResponses.increment();
        }
    }

    void configApplied() {
        configApplied.incrementAndGet();
    }

    /** A change the server itself could not apply (an address not bound). */
    void configRefused(String why) {
        lastRefusal = why;
        configRefused.incrementAndGet();
    }

    long configAppliedCount() {
        return configApplied.get();
    }

    long configRefusedCount() {
        return configRefused.get();
    }

    String lastRefusal() {
        return lastRefusal;
    }

    void loopRestarted() {
        loopRestarts.incrementAndGet();
    }

    long loopRestarts() {
        return loopRestarts.get();
    }

    /** The responses of the application mounted at {@code prefix}, every class present. */
    Map<StatusClass, Long> answeredAt(String prefix) {
        StatusCounts counts = byMount.get(prefix);
        return counts == null ? StatusCounts.zeros() : counts.snapshot();
    }

    /** The responses by mount, sorted by prefix; {@link #NO_MOUNT} for the server's own. */
    Map<String, Map<StatusClass, Long>> answeredByMount() {
        Map<String, Map<StatusClass, Long>> all = new TreeMap<>();
        byMount.forEach((prefix, counts) -> all.put(prefix, counts.snapshot()));
        return all;
    }

    Traffic traffic(long nowNanos) {
        Map<Integer, Long> refused = new TreeMap<>();
        refusals.forEach((status, n) -> refused.put(status, n.sum()));
        Map<String, Map<StatusClass, Long>> byPrefix = answeredByMount();
        Map<StatusClass, Long> answered = StatusCounts.zeros();
        byPrefix.values().forEach(counts -> StatusCounts.addTo(answered, counts));
        return new Traffic(answered, byPrefix, bytesIn.sum(), bytesOut.sum(), durations.snapshot(),
                lastMinute.snapshot(nowNanos), refused, spilledRequests.sum(), spilledResponses.sum());
    }
}

package dev.usher.dispatcher;

import java.util.Arrays;

import dev.usher.dispatcher.monitor.StatusClass;

/**
 * The requests one task answers, counted in plain fields by the thread that runs it and added to
 * its server's striped counters once, when the task ends: a batch of pipelined requests costs the
 * shared counters one add each, not one a request. One per thread ({@link #of}), reused from task
 * to task; a task ends with {@link #flush}, so nothing counted waits in it for the next task.
 */
final class RequestTally {

    private static final ThreadLocal<RequestTally> OF_THREAD = ThreadLocal.withInitial(RequestTally::new);

    private static final int CLASSES = StatusClass.values().length;

    private ServerMetrics metrics;
    /** The mount the counts in {@link #mountClasses} are for; null while they are empty. */
    private String mount;
    private final long[] mountClasses = new long[CLASSES];
    private final long[] allClasses = new long[CLASSES];
    private final long[] buckets = new long[DurationBuckets.BUCKETS];
    private long sumNanos;
    private boolean empty = true;

    private RequestTally() {
    }

    /** The current thread's tally, for a task of the server that counts into {@code metrics}. */
    static RequestTally of(ServerMetrics metrics) {
        RequestTally tally = OF_THREAD.get();
        tally.metrics = metrics;
        return tally;
    }

    /** One request answered: the statuses, mounts and durations a {@link ServerMetrics} counts. */
    void answered(String mountLabel, int status, long nanos) {
        if (mount != null && !mount.equals(mountLabel)) {
            metrics.addToMount(mount, mountClasses);
            Arrays.fill(mountClasses, 0);
        }
        mount = mountLabel;
        int statusClass = StatusClass.of(status).ordinal();
        mountClasses[statusClass]++;
        allClasses[statusClass]++;
        buckets[DurationBuckets.bucket(nanos)]++;
        sumNanos += nanos;
        empty = false;
    }

    /** Adds what was counted to the server's counters and starts again from nothing. */
    void flush(long nowNanos) {
        if (empty) {
            return;
        }
        metrics.addToMount(mount, mountClasses);
        metrics.add(allClasses, buckets, sumNanos, nowNanos);
        Arrays.fill(mountClasses, 0);
        Arrays.fill(allClasses, 0);
        Arrays.fill(buckets, 0);
        sumNanos = 0;
        mount = null;
        empty = true;
    }
}

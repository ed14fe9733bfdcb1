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
    /** The mounts counted at, the first {@link #used} of them; a task rarely answers at more than one. */
    private String[] mounts = new String[2];
    /** Per mount of {@link #mounts}, its responses by class ordinal. */
    private long[][] mountClasses = {new long[CLASSES], new long[CLASSES]};
    private int used;
    private final long[] allClasses = new long[CLASSES];
    private final long[] buckets = new long[DurationBuckets.BUCKETS];
    private long sumNanos;

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
        int statusClass = StatusClass.of(status).ordinal();
        mountClasses[mountIndex(mountLabel)][statusClass]++;
        allClasses[statusClass]++;
        buckets[DurationBuckets.bucket(nanos)]++;
        sumNanos += nanos;
    }

    /** Adds what was counted to the server's counters, all at once, and starts again from nothing. */
    void flush(long nowNanos) {
        if (used == 0) {
            return;
        }
        for (int i = 0; i < used; i++) {
            metrics.addToMount(mounts[i], mountClasses[i]);
            Arrays.fill(mountClasses[i], 0);
            mounts[i] = null;
        }
        used = 0;
        metrics.add(allClasses, buckets, sumNanos, nowNanos);
        Arrays.fill(allClasses, 0);
        Arrays.fill(buckets, 0);
        sumNanos = 0;
    }

    private int mountIndex(String mountLabel) {
        for (int i = 0; i < used; i++) {
            if (mounts[i].equals(mountLabel)) {
                return i;
            }
        }
        if (used == mounts.length) {
            mounts = Arrays.copyOf(mounts, used * 2);
            mountClasses = Arrays.copyOf(mountClasses, used * 2);
            for (int i = used; i < mountClasses.length; i++) {
                mountClasses[i] = new long[CLASSES];
            }
        }
        mounts[used] = mountLabel;
        return used++;
    }
}

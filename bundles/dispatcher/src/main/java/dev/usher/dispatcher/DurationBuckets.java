package dev.usher.dispatcher;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

import dev.usher.dispatcher.monitor.DurationHistogram;

/** Request durations in fixed buckets, each a striped counter ({@link LongAdder}). */
final class DurationBuckets {

    /** Upper bounds, in nanoseconds: 0.1 ms to 60 s, steps of 2 to 2.5 (1, 2.5, 5, 10), as dashboards expect. */
    private static final long[] BOUNDS_NANOS = {
        100_000L, 250_000L, 500_000L, 1_000_000L, 2_500_000L, 5_000_000L, 10_000_000L, 25_000_000L,
        50_000_000L, 100_000_000L, 250_000_000L, 500_000_000L, 1_000_000_000L, 2_500_000_000L,
        5_000_000_000L, 10_000_000_000L, 30_000_000_000L, 60_000_000_000L,
    };

    /** How many buckets: one a bound, and one for the rest. */
    static final int BUCKETS = BOUNDS_NANOS.length + 1;

    private final LongAdder[] counts = new LongAdder[BUCKETS];
    private final LongAdder sumNanos = new LongAdder();

    DurationBuckets() {
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
    }

    /** The bucket of a duration: the first whose bound holds it. */
    static int bucket(long nanos) {
        int i = 0;
        // most requests are quick: a short walk from the smallest bound
        while (i < BOUNDS_NANOS.length && nanos > BOUNDS_NANOS[i]) {
            i++;
        }
        return i;
    }

    void record(long nanos) {
        counts[bucket(nanos)].increment();
        sumNanos.add(nanos);
    }

    /** Adds what a {@link RequestTally} counted: {@code perBucket} by bucket, and their durations' sum. */
    void add(long[] perBucket, long sum) {
        for (int i = 0; i < BUCKETS; i++) {
            if (perBucket[i] != 0) {
                counts[i].add(perBucket[i]);
            }
        }
        sumNanos.add(sum);
    }

    DurationHistogram snapshot() {
        List<Double> bounds = new ArrayList<>(BOUNDS_NANOS.length);
        for (long bound : BOUNDS_NANOS) {
            bounds.add(bound / 1e9);
        }
        List<Long> values = new ArrayList<>(counts.length);
        long count = 0;
        for (LongAdder adder : counts) {
            long n = adder.sum();
            values.add(n);
            count += n;
        }
        return new DurationHistogram(bounds, values, count, sumNanos.sum() / 1e9);
    }
}

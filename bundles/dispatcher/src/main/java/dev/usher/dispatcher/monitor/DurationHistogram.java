package dev.usher.dispatcher.monitor;

import java.util.List;

/**
 * Request durations, from the first byte of a request's head to the end of its answer, counted
 * in buckets (Prometheus's histogram, not cumulative here).
 *
 * @param upperBoundsSeconds each bucket's inclusive upper bound, ascending; a last bucket, beyond
 *     them all, holds the rest
 * @param counts per bucket, one more than the bounds
 * @param count every request counted
 * @param sumSeconds their durations added up
 */
public record DurationHistogram(List<Double> upperBoundsSeconds, List<Long> counts, long count, double sumSeconds) {

    /** Copies made immutable; there is one count per bound and one for the rest. */
    public DurationHistogram {
        upperBoundsSeconds = List.copyOf(upperBoundsSeconds);
        counts = List.copyOf(counts);
        if (counts.size() != upperBoundsSeconds.size() + 1) {
            throw new IllegalArgumentException("one count per bound and one for the rest");
        }
    }
}

package dev.usher.soak;

import java.time.Duration;

/**
 * Latencies in microseconds, in log-linear buckets (64 per power of two: at most 1.6 % off), so an
 * hour of requests costs a few kilobytes. Not thread-safe: {@link LatencyRecorder} guards it.
 */
public final class LatencyHistogram {

    private static final int SUB = 64;
    /** Up to 2^40 µs (12 days): more than any timeout here. */
    private final long[] counts = new long[SUB + (40 - 6) * SUB];
    private long count;
    private long maxMicros;

    public void record(long nanos) {
        long micros = Math.max(0, nanos / 1000);
        counts[Math.min(index(micros), counts.length - 1)]++;
        count++;
        maxMicros = Math.max(maxMicros, micros);
    }

    public long count() {
        return count;
    }

    /** The latency {@code fraction} (0.99: p99) of the values are at or below; zero when empty. */
    public Duration percentile(double fraction) {
        if (count == 0) {
            return Duration.ZERO;
        }
        long rank = Math.max(1, (long) Math.ceil(fraction * count));
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                // the bucket's upper end, but never above what was seen
                return Duration.ofNanos(Math.min(upper(i), maxMicros) * 1000);
            }
        }
        return max();
    }

    public Duration max() {
        return Duration.ofNanos(maxMicros * 1000);
    }

    private static int index(long micros) {
        if (micros < SUB) {
            return (int) micros;
        }
        int exponent = 63 - Long.numberOfLeadingZeros(micros); // >= 6
        int sub = (int) (micros >> (exponent - 6)) - SUB;      // the 6 bits below the top one
        return SUB + (exponent - 6) * SUB + sub;
    }

    private static long upper(int index) {
        if (index < SUB) {
            return index;
        }
        int exponent = (index - SUB) / SUB + 6;
        int sub = (index - SUB) % SUB;
        return ((long) (SUB + sub + 1) << (exponent - 6)) - 1;
    }

    /** Milliseconds with one decimal, for tables. */
    public static String millis(Duration d) {
        return String.format("%.1f", d.toNanos() / 1e6);
    }
}

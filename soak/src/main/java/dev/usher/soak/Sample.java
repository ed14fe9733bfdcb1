package dev.usher.soak;

import java.time.Duration;

/**
 * One line of the soak's table: when, what the server held, and what the normal clients saw since
 * the previous line.
 *
 * @param label {@code warm-up}, {@code steady} or {@code after-stop}
 */
public record Sample(Duration elapsed, String label, ResourceSampler.Resources resources,
        LatencyRecorder.Figures normal) {

    static final String HEADER = String.format("%8s %-10s %6s %7s %6s %9s | %8s %6s %7s %8s %8s",
            "elapsed", "phase", "fds", "threads", "tmp", "heap-MB", "requests", "errors", "retried", "p50-ms",
            "p99-ms");

    public double heapMegabytes() {
        return resources.heapAfterGcBytes() / (1024.0 * 1024.0);
    }

    @Override
    public String toString() {
        return String.format("%8s %-10s %6d %7d %6d %9.1f | %8d %6d %7d %8s %8s", format(elapsed), label,
                resources.fds(), resources.threads(), resources.tempFiles(), heapMegabytes(), normal.requests(),
                normal.errors(), normal.retried(), LatencyHistogram.millis(normal.p50()),
                LatencyHistogram.millis(normal.p99()));
    }

    static String format(Duration d) {
        return String.format("%d:%02d:%02d", d.toHours(), d.toMinutesPart(), d.toSecondsPart());
    }
}

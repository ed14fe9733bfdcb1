package dev.usher.soak;

import java.time.Duration;

/**
 * One line of the soak's table: when, what the server held, and what the normal clients saw since
 * the previous line. {@code conns}: the server's open connections (from the kernel's table, so the
 * sampling's own jcmd connection is not one of them).
 *
 * @param label {@code warm-up}, {@code steady} or {@code after-stop}
 */
public record Sample(Duration elapsed, String label, ResourceSampler.Resources resources,
        LatencyRecorder.Figures normal) {

    static final String HEADER = String.format("%8s %-10s %5s %6s %7s %4s %8s | %8s %6s %7s %7s %7s",
            "elapsed", "phase", "fds", "conns", "threads", "tmp", "heap-MB", "requests", "errors", "retried",
            "p50-ms", "p99-ms");

    public double heapMegabytes() {
        return resources.heapAfterGcBytes() / (1024.0 * 1024.0);
    }

    @Override
    public String toString() {
        return String.format("%8s %-10s %5d %6d %7d %4d %8.1f | %8d %6d %7d %7s %7s", format(elapsed), label,
                resources.fds(), resources.connections(), resources.threads(), resources.tempFiles(), heapMegabytes(),
                normal.requests(),
                normal.errors(), normal.retried(), LatencyHistogram.millis(normal.p50()),
                LatencyHistogram.millis(normal.p99()));
    }

    static String format(Duration d) {
        return String.format("%d:%02d:%02d", d.toHours(), d.toMinutesPart(), d.toSecondsPart());
    }
}

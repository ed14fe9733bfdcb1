package dev.usher.soak;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a soak saw, and whether it passes ({@link #problems()} empty).
 *
 * @param samples {@code idle} (before any traffic), the {@code baseline} (the end of the first
 *     interval: after warm-up), the {@code steady} ones, and last the {@code after-stop} one
 * @param exitStatus the runtime's exit status after SIGTERM, null if it did not exit in time
 */
public record SoakResult(Path directory, List<Sample> samples, LatencyRecorder.Figures normal,
        List<String> normalErrors, String abuseReport, long unexpectedAbuseOutcomes, int settingsApplied,
        List<String> settingsFailures, Duration slowestSettingsChange, Map<String, Long> consoleLevels,
        Map<String, Long> consoleProblems, Map<String, Long> accessStatuses, boolean diedEarly, Integer exitStatus,
        Duration stopTook, Duration stopLimit) {

    /*
     * Tolerances: last steady sample minus the baseline. The attack runs while sampling (that is
     * the point), so the figures move with what is in flight at the instant of the sample; the
     * tolerances cover that and nothing that grows with time, so a leak of one item per request,
     * per connection or per settings change (thousands of each over a run) is far outside them.
     */
    /**
     * File descriptors: one per connection; the abusive mix has up to two connections of each of
     * 13 kinds, the long-held ones (about 10) steadily, the others for milliseconds; plus a
     * temporary file each for the few bodies and responses spilling to disk.
     */
    static final long FD_TOLERANCE = 20;
    /**
     * Threads: the settings cycle moves {@code threads} 4 to 8 and {@code workers} between 1 and 2
     * (up to 5 threads, depending on the phase a sample falls in), and the JIT adds and retires
     * compiler threads on its own.
     */
    static final long THREAD_TOLERANCE = 10;
    /**
     * Temporary files: a body or response spilling to disk exists only while its connection is
     * in flight, so once the attackers stopped there should be none; 2 allows a straggler.
     */
    static final long TEMP_FILES_AFTER_STOP = 2;
    /**
     * File descriptors once every client is gone and the settings are back at the defaults,
     * against the {@code idle} sample taken before any traffic: every connection should be closed
     * (a connection left is reported on its own), so only what the runtime opens on its own
     * account may differ (a bundle's jar, a log file); 2 allows for that.
     */
    static final long FD_TOLERANCE_AFTER_STOP = 2;
    /**
     * Heap after a full GC: pools of buffers and the log service's history settle during the
     * warm-up; 16 MiB is far above what the traffic in flight holds and far below what a leak of
     * even 10 bytes per request reaches in an hour (~2 M requests).
     */
    static final long HEAP_TOLERANCE = 16L * 1024 * 1024;

    /** Everything that makes the soak fail; empty when it passes. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (diedEarly) {
            problems.add("the runtime died during the soak");
        }
        if (normal.errors() > 0) {
            problems.add(normal.errors() + " errors of normal clients, first: " + normalErrors);
        }
        if (normal.requests() == 0) {
            problems.add("the normal clients sent no request");
        }
        List<Sample> steady = samples.stream()
                .filter(s -> s.label().equals("baseline") || s.label().equals("steady")).toList();
        if (steady.size() < 2) {
            problems.add("too short to compare samples: " + steady.size() + " taken (duration >= 2 x sample needed)");
        } else {
            Sample first = steady.get(0);
            Sample last = steady.get(steady.size() - 1);
            grew(problems, "file descriptors", first.resources().fds(), last.resources().fds(), FD_TOLERANCE);
            grew(problems, "threads", first.resources().threads(), last.resources().threads(), THREAD_TOLERANCE);
            long heapGrowth = last.resources().heapAfterGcBytes() - first.resources().heapAfterGcBytes();
            if (heapGrowth > HEAP_TOLERANCE) {
                problems.add(String.format("heap after GC grew %.1f MB (%.1f -> %.1f), tolerance %d MB",
                        heapGrowth / 1048576.0, first.heapMegabytes(), last.heapMegabytes(), HEAP_TOLERANCE >> 20));
            }
        }
        Sample idle = samples.isEmpty() ? null : samples.get(0);
        samples.stream().filter(s -> s.label().equals("after-stop")).findFirst().ifPresentOrElse(after -> {
            if (after.resources().tempFiles() > TEMP_FILES_AFTER_STOP) {
                problems.add(after.resources().tempFiles() + " temporary files left after the clients stopped");
            }
            if (after.resources().connections() > 0) {
                problems.add(after.resources().connections() + " connections still open on the server 20 s after "
                        + "every client closed its end");
            }
            if (idle != null && after.resources().fds() - idle.resources().fds() > FD_TOLERANCE_AFTER_STOP) {
                problems.add(after.resources().fds() + " file descriptors open after the clients stopped, "
                        + idle.resources().fds() + " before any traffic, tolerance +" + FD_TOLERANCE_AFTER_STOP);
            }
        }, () -> problems.add("no sample after the clients stopped"));
        if (!settingsFailures.isEmpty()) {
            problems.add("settings changes failed: " + settingsFailures);
        }
        if (exitStatus == null) {
            problems.add("the runtime did not exit within " + stopLimit + " of SIGTERM");
        } else if (exitStatus != 0) {
            problems.add("the runtime exited " + exitStatus + " after SIGTERM");
        }
        return problems;
    }

    private static void grew(List<String> problems, String what, long first, long last, long tolerance) {
        if (last - first > tolerance) {
            problems.add(what + " grew from " + first + " to " + last + ", tolerance +" + tolerance);
        }
    }

    /** The summary: the sample table, the normal clients, the abusive mix, settings, console, stop. */
    public String report() {
        StringBuilder r = new StringBuilder();
        r.append("Usher soak in ").append(directory).append('\n');
        r.append(Sample.HEADER).append('\n');
        samples.forEach(s -> r.append(s).append('\n'));
        r.append(String.format("normal clients: %d requests, %d errors, %d retried, p50 %s ms, p99 %s ms, max %s ms%n",
                normal.requests(), normal.errors(), normal.retried(), LatencyHistogram.millis(normal.p50()),
                LatencyHistogram.millis(normal.p99()), LatencyHistogram.millis(normal.max())));
        normalErrors.forEach(e -> r.append("  error: ").append(e).append('\n'));
        r.append(abuseReport);
        r.append(unexpectedAbuseOutcomes).append(" abusive attempts had an unexpected outcome (reported, not asserted)\n");
        r.append(String.format("settings changes: %d applied, slowest %d ms, %d failed%n", settingsApplied,
                slowestSettingsChange.toMillis(), settingsFailures.size()));
        settingsFailures.forEach(f -> r.append("  failed: ").append(f).append('\n'));
        r.append("console lines by level: ").append(consoleLevels).append('\n');
        r.append("access log by status: ").append(accessStatuses).append('\n');
        r.append("console WARN and ERROR messages (count, message | exception):\n");
        consoleProblems.forEach((message, count) -> r.append(String.format("  %6d  %s%n", count, message)));
        r.append("SIGTERM: ").append(exitStatus == null ? "still running after " + stopLimit
                : "exit " + exitStatus + " after " + stopTook.toMillis() + " ms").append('\n');
        List<String> problems = problems();
        r.append(problems.isEmpty() ? "PASS\n" : "FAIL:\n");
        problems.forEach(p -> r.append("  ").append(p).append('\n'));
        return r.toString();
    }
}

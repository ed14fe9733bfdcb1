package dev.usher.soak;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server's heap after a full GC: {@code jcmd PID GC.run} (System.gc(), a full collection
 * with the JDK's default collectors), then the size after it from the server's own
 * {@code -Xlog:gc*} file, e.g. G1's {@code GC(7) Pause Full (Diagnostic Command) 30M->12M(256M)}.
 * The log is read incrementally from where the last probe stopped.
 *
 * <p>Why not {@code GC.heap_info} after {@code GC.run}: the server allocates between the two
 * commands (it is under load), so that figure drifts with the traffic; the GC log's after-size is
 * the live set at the collection itself.
 */
public final class HeapProbe {

    /** {@code GC(12) Pause Full (Diagnostic Command) 30M->12M(256M)}: id, cause, after, unit. */
    private static final Pattern FULL = Pattern.compile(
            "GC\\((\\d+)\\) Pause Full \\(([^)]*(?:\\(\\))?)\\) \\d+[KMG]->(\\d+)([KMG])\\(\\d+[KMG]\\)");
    private static final Duration LOGGED_WITHIN = Duration.ofSeconds(30);

    private final long pid;
    private final Path gcLog;
    private long offset;
    private final StringBuilder partial = new StringBuilder();

    public HeapProbe(long pid, Path gcLog) {
        this.pid = pid;
        this.gcLog = gcLog;
    }

    /** Runs a full GC in the server and returns the heap used after it, in bytes. */
    public long usedAfterFullGc() throws IOException, InterruptedException {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        Process process = new ProcessBuilder(jcmd, Long.toString(pid), "GC.run").redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("jcmd " + pid + " GC.run failed: " + out.strip());
        }
        // Unified logging writes synchronously, so the line is normally there already; the
        // deadline covers a file system that shows the append late.
        long deadline = System.nanoTime() + LOGGED_WITHIN.toNanos();
        Long after = null;
        for (;;) {
            Long found = lastFullGcAfter();
            after = found != null ? found : after;
            if (after != null) {
                return after;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IOException("no 'Pause Full' line in " + gcLog + " within " + LOGGED_WITHIN + " of GC.run");
            }
            TimeUnit.MILLISECONDS.sleep(50); // polling a file: there is nothing to wait on
        }
    }

    /** The after-size of the last full GC logged since the previous look, or null. */
    private Long lastFullGcAfter() throws IOException {
        if (!Files.exists(gcLog)) {
            return null;
        }
        Long after = null;
        try (RandomAccessFile file = new RandomAccessFile(gcLog.toFile(), "r")) {
            if (file.length() < offset) {
                offset = 0; // a new file: start again
            }
            file.seek(offset);
            byte[] bytes = new byte[(int) Math.min(Integer.MAX_VALUE - 8, file.length() - offset)];
            file.readFully(bytes);
            offset += bytes.length;
            partial.append(new String(bytes, UTF_8));
        }
        int end = partial.lastIndexOf("\n");
        if (end < 0) {
            return null;
        }
        String complete = partial.substring(0, end + 1);
        partial.delete(0, end + 1);
        Matcher m = FULL.matcher(complete);
        while (m.find()) {
            after = bytes(Long.parseLong(m.group(3)), m.group(4));
        }
        return after;
    }

    private static long bytes(long value, String unit) {
        return switch (unit) {
            case "K" -> value << 10;
            case "M" -> value << 20;
            default -> value << 30;
        };
    }
}

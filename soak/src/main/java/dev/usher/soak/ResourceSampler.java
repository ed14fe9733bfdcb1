package dev.usher.soak;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * What the server process holds, read from outside it: open file descriptors
 * ({@code /proc/PID/fd}), threads ({@code Threads:} of {@code /proc/PID/status}), Usher's
 * temporary files in its {@code java.io.tmpdir} ({@code usher-*.buf}: request bodies and
 * responses past {@code inbuf_overflow} / {@code outbuf_overflow}), and the heap after a full GC.
 * Linux only ({@code /proc}).
 */
public final class ResourceSampler {

    /** One look at the server. */
    public record Resources(long fds, long threads, long tempFiles, long heapAfterGcBytes) {
    }

    private final long pid;
    private final Path temporaryDirectory;
    private final HeapProbe heap;

    public ResourceSampler(long pid, Path temporaryDirectory, Path gcLog) {
        this.pid = pid;
        this.temporaryDirectory = temporaryDirectory;
        this.heap = new HeapProbe(pid, gcLog);
    }

    public Resources sample() throws IOException, InterruptedException {
        // the GC first: the first jcmd starts the JVM's attach listener (a thread and a socket for
        // good), which must be in every sample, the first one included
        long heapAfterGc = heap.usedAfterFullGc();
        return new Resources(fds(), threads(), tempFiles(), heapAfterGc);
    }

    public long fds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return fds.count();
        }
    }

    public long threads() throws IOException {
        try (Stream<String> lines = Files.lines(Path.of("/proc", Long.toString(pid), "status"))) {
            return lines.filter(line -> line.startsWith("Threads:"))
                    .mapToLong(line -> Long.parseLong(line.substring("Threads:".length()).trim()))
                    .findFirst().orElseThrow(() -> new IOException("no Threads: line for " + pid));
        }
    }

    public long tempFiles() throws IOException {
        try (Stream<Path> files = Files.list(temporaryDirectory)) {
            return files.filter(f -> {
                String name = f.getFileName().toString();
                return name.startsWith("usher-") && name.endsWith(".buf");
            }).count();
        }
    }
}

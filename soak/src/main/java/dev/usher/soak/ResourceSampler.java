package dev.usher.soak;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * What the server process holds, read from outside it: open file descriptors
 * ({@code /proc/PID/fd}), connections on its port ({@code /proc/PID/net/tcp}), threads
 * ({@code Threads:} of {@code /proc/PID/status}), Usher's
 * temporary files in its {@code java.io.tmpdir} ({@code usher-*.buf}: request bodies and
 * responses past {@code inbuf_overflow} / {@code outbuf_overflow}), and the heap after a full GC.
 * Linux only ({@code /proc}).
 */
public final class ResourceSampler {

    /** One look at the server. */
    public record Resources(long fds, long connections, long threads, long tempFiles, long heapAfterGcBytes) {
    }

    /** TCP states in /proc/net/tcp: LISTEN is the listener, not a connection. */
    private static final String LISTEN = "0A";

    private final long pid;
    private final int port;
    private final Path temporaryDirectory;
    private final HeapProbe heap;

    /** Samples process {@code pid}, serving on {@code port}. */
    public ResourceSampler(long pid, int port, Path temporaryDirectory, Path gcLog) {
        this.pid = pid;
        this.port = port;
        this.temporaryDirectory = temporaryDirectory;
        this.heap = new HeapProbe(pid, gcLog);
    }

    public Resources sample() throws IOException, InterruptedException {
        // the GC first: the first jcmd starts the JVM's attach listener (a thread and a socket for
        // good), which must be in every sample, the first one included
        long heapAfterGc = heap.usedAfterFullGc();
        return new Resources(fds(), connections(), threads(), tempFiles(), heapAfterGc);
    }

    public long fds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return fds.count();
        }
    }

    /**
     * Server-side sockets of connections on its port that are still open in some process: the
     * entries of {@code /proc/PID/net/tcp} (the process's network namespace) with that local
     * port, not the listener, and an inode (a socket in TIME_WAIT has none: nobody holds it).
     */
    public long connections() throws IOException {
        String localPort = String.format(":%04X", port);
        long count = 0;
        for (String table : new String[] {"tcp", "tcp6"}) {
            Path file = Path.of("/proc", Long.toString(pid), "net", table);
            if (!Files.exists(file)) {
                continue;
            }
            for (String line : Files.readAllLines(file)) {
                // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...
                String[] f = line.trim().split("\\s+");
                if (f.length > 9 && f[1].endsWith(localPort) && !f[3].equals(LISTEN) && !f[9].equals("0")) {
                    count++;
                }
            }
        }
        return count;
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

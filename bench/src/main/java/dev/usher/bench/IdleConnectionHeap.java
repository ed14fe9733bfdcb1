package dev.usher.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Heap per idle keep-alive connection: starts the Usher runtime in a fresh directory, measures
 * its heap after a full GC, opens N keep-alive connections that each make one {@code GET /}
 * and then stay idle, measures the heap after a full GC again, and prints
 * {@code (after - before) / N}. JDK only: the client is this process, the server a separate
 * one, measured with {@code jcmd PID GC.run} then {@code GC.heap_info} (and
 * {@code GC.class_histogram} for the classes that grew).
 *
 * <pre>
 * java -cp bench/target/classes dev.usher.bench.IdleConnectionHeap [USHER_JAR] [CONNECTIONS]
 * java bench/src/main/java/dev/usher/bench/IdleConnectionHeap.java [USHER_JAR] [CONNECTIONS]
 * </pre>
 *
 * USHER_JAR defaults to {@code runtime/target/usher.jar}, CONNECTIONS to 10000; the server's
 * JVM options come from {@code JVM_OPTS} (default {@code -Xms1g -Xmx1g -XX:+UseParallelGC}),
 * as in {@code wrk-hello.sh}. Exit status 0 when every connection was answered and was still
 * open after the measurement, 1 otherwise.
 */
public final class IdleConnectionHeap {

    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    /** Requests on fresh connections before the first measurement, so that what the first
     *  requests initialise once per process (classes' static state, pools, caches) is in
     *  "before" and not counted against the idle connections. */
    private static final int WARMUP_REQUESTS = 200;
    /** Classes listed by their growth. */
    private static final int TOP_CLASSES = 15;

    private static final Pattern HEAP_USED = Pattern.compile("(?m)^\\s*(\\S.*?)\\s+total \\d+K, used (\\d+)K");
    private static final Pattern HISTOGRAM_ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(.+)$");
    private static final Pattern HISTOGRAM_TOTAL = Pattern.compile("^Total\\s+(\\d+)\\s+(\\d+)");
    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?im)^content-length:\\s*(\\d+)\\s*$");

    private final Path javaHome = Path.of(System.getProperty("java.home"));
    private final Path usherJar;
    private final int connections;
    private Path dir;
    private Process server;
    private int port;
    /** What the GC.heap_info figure is the "used" of. */
    private String heapSpace;

    private IdleConnectionHeap(Path usherJar, int connections) {
        this.usherJar = usherJar;
        this.connections = connections;
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 2 || Arrays.asList(args).contains("-h") || Arrays.asList(args).contains("--help")) {
            System.err.println("usage: java dev.usher.bench.IdleConnectionHeap [USHER_JAR] [CONNECTIONS]");
            System.exit(2);
        }
        Path jar = Path.of(args.length > 0 ? args[0] : "runtime/target/usher.jar").toAbsolutePath();
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        if (!Files.isRegularFile(jar)) {
            System.err.println("idle-heap: " + jar + " missing; build the runtime first (mvn -B install -DskipTests)");
            System.exit(1);
        }
        IdleConnectionHeap tool = new IdleConnectionHeap(jar, n);
        // A Ctrl-C must not leave the server running.
        Runtime.getRuntime().addShutdownHook(new Thread(tool::stopServer));
        int status;
        try {
            status = tool.run();
        } finally {
            tool.stopServer();
        }
        System.exit(status);
    }

    private int run() throws Exception {
        startServer();
        System.out.println("server: pid " + server.pid() + ", 127.0.0.1:" + port + ", JVM_OPTS=" + jvmOpts()
                + ", waiting_connection_limit=20000, accesslog= (none)");
        for (int i = 0; i < WARMUP_REQUESTS; i++) {
            try (Socket s = connect()) {
                get(s);
            }
        }
        // The server closes its side of those connections when it reads their FIN; give its
        // I/O loop time to, so that no warm-up connection is in either measurement.
        Thread.sleep(2000);
        Measurement before = measure();

        List<Socket> open = new ArrayList<>(connections);
        long openStart = System.nanoTime();
        try {
            for (int i = 0; i < connections; i++) {
                Socket s = connect();
                open.add(s);
                int status = get(s);
                if (status != 200) {
                    throw new IOException("connection " + i + ": status " + status);
                }
                if ((i + 1) % 2000 == 0) {
                    System.err.printf("  %d connections open%n", i + 1);
                }
            }
        } catch (IOException e) {
            throw new IOException("opening connection " + (open.size()) + " of " + connections
                    + " (ulimit -n is per process: the client needs one descriptor per connection): " + e, e);
        }
        System.out.printf("opened %d keep-alive connections, one GET / each, in %.1f s%n", connections,
                (System.nanoTime() - openStart) / 1e9);
        // Let the server finish with the last responses, so every connection is idle.
        Thread.sleep(1000);
        Measurement after = measure();
        long idleSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - openStart);

        int alive = 0;
        for (Socket s : open) {
            try {
                if (get(s) == 200) {
                    alive++;
                }
            } catch (IOException e) {
                // counted as not alive
            }
        }
        for (Socket s : open) {
            s.close();
        }

        report(before, after, alive, idleSeconds);
        return alive == connections ? 0 : 1;
    }

    private void report(Measurement before, Measurement after, int alive, long idleSeconds) {
        double n = connections;
        System.out.println();
        boolean heapInfo = before.heapUsedKiB >= 0 && after.heapUsedKiB >= 0;
        if (heapInfo) {
            System.out.printf("server heap after full GC (jcmd GC.heap_info, used of %s): before %,d KiB, after %,d KiB%n",
                    heapSpace, before.heapUsedKiB, after.heapUsedKiB);
        } else {
            System.out.println("server heap after full GC (jcmd GC.heap_info): no generation's \"used\" for this collector");
        }
        System.out.printf("live objects (jcmd GC.class_histogram total): before %,d B, after %,d B%n",
                before.histogramBytes, after.histogramBytes);
        System.out.printf("server file descriptors: before %d, after %d (+%d)%n", before.fds, after.fds,
                after.fds - before.fds);
        System.out.println();
        System.out.printf("heap per idle keep-alive connection: %s (GC.heap_info), %.0f bytes (class histogram)%n",
                heapInfo ? String.format("%.0f bytes", (after.heapUsedKiB - before.heapUsedKiB) * 1024 / n) : "n/a",
                (after.histogramBytes - before.histogramBytes) / n);
        System.out.println();
        System.out.println("growth per connection by class (class histogram):");
        System.out.printf("%10s %10s  %s%n", "bytes", "instances", "class");
        Map<String, long[]> growth = new HashMap<>();
        after.classes.forEach((name, v) -> {
            long[] b = before.classes.getOrDefault(name, new long[2]);
            growth.put(name, new long[] {v[0] - b[0], v[1] - b[1]});
        });
        growth.entrySet().stream()
                .sorted(Comparator.comparingLong((Map.Entry<String, long[]> e) -> e.getValue()[1]).reversed())
                .limit(TOP_CLASSES)
                .forEach(e -> System.out.printf("%10.1f %10.2f  %s%n", e.getValue()[1] / n, e.getValue()[0] / n, e.getKey()));
        System.out.println();
        System.out.printf("%d of %d connections answered a second GET after the measurement (%d s after the first opened)%n",
                alive, connections, idleSeconds);
        if (alive != connections) {
            System.out.println("FAIL: the server closed some connections (shed, or channel_timeout); the figure is not per open connection");
        }
    }

    /** The server's heap after a full GC, its live objects by class, its descriptors. */
    private Measurement measure() throws IOException, InterruptedException {
        // Twice: what the first collection's reference processing frees goes in the second.
        jcmd("GC.run");
        jcmd("GC.run");
        // After a full GC ParallelGC and SerialGC hold every live object in the old
        // generation, and its "used" is what lives there. The young generation's "used"
        // is no measure: it counts the TLABs threads took since the GC (megabytes each,
        // mostly empty). With G1's single space its total has to do; ZGC's and Shenandoah's
        // heap_info have no such line at all (-1: no figure).
        long oldUsed = -1;
        long allUsed = -1;
        Matcher m = HEAP_USED.matcher(jcmd("GC.heap_info"));
        while (m.find()) {
            long used = Long.parseLong(m.group(2));
            allUsed = Math.max(allUsed, 0) + used;
            if (m.group(1).contains("Old") || m.group(1).contains("tenured")) {
                oldUsed = used;
            }
        }
        long used = oldUsed >= 0 ? oldUsed : allUsed;
        heapSpace = oldUsed >= 0 ? "the old generation" : "the whole heap, TLABs included";
        Map<String, long[]> classes = new HashMap<>();
        long total = -1;
        for (String line : jcmd("GC.class_histogram").split("\n")) {
            Matcher row = HISTOGRAM_ROW.matcher(line);
            Matcher sum = HISTOGRAM_TOTAL.matcher(line);
            if (row.matches()) {
                classes.merge(row.group(3).trim(), new long[] {Long.parseLong(row.group(1)), Long.parseLong(row.group(2))},
                        (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
            } else if (sum.find()) {
                total = Long.parseLong(sum.group(2));
            }
        }
        long fds;
        try (Stream<Path> list = Files.list(Path.of("/proc", Long.toString(server.pid()), "fd"))) {
            fds = list.count();
        }
        return new Measurement(used, total, classes, fds);
    }

    private record Measurement(long heapUsedKiB, long histogramBytes, Map<String, long[]> classes, long fds) {}

    private String jcmd(String command) throws IOException, InterruptedException {
        Path jcmd = javaHome.resolve("bin/jcmd");
        Process p = new ProcessBuilder(Files.isExecutable(jcmd) ? jcmd.toString() : "jcmd",
                Long.toString(server.pid()), command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("jcmd " + command + " failed: " + out);
        }
        return out;
    }

    private void startServer() throws IOException, InterruptedException {
        dir = Files.createTempDirectory("usher-idle-heap");
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Files.createDirectories(dir.resolve("etc"));
        // waiting_connection_limit: by default Usher sheds waiting connections beyond 2048.
        // accesslog empty: the runtime's default log would write a line per request; logging
        // keeps no memory per connection, but it is no part of what is measured here.
        Files.writeString(dir.resolve("etc/dev.usher.server.cfg"),
                "listen=127.0.0.1:" + port + "\nwaiting_connection_limit=20000\naccesslog=\n");
        List<String> command = new ArrayList<>();
        command.add(javaHome.resolve("bin/java").toString());
        command.addAll(Arrays.asList(jvmOpts().trim().split("\\s+")));
        command.add("-jar");
        command.add(usherJar.toString());
        server = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("server.log").toFile()).start();
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new IOException("the server exited (status " + server.exitValue() + "):\n" + serverLog());
            }
            try (Socket s = connect()) {
                if (get(s) == 200) {
                    return;
                }
            } catch (ConnectException e) {
                // not listening yet
            } catch (IOException e) {
                // listening, not answering yet
            }
            Thread.sleep(50);
        }
        throw new IOException("the server did not answer 200 within " + STARTUP_TIMEOUT + ":\n" + serverLog());
    }

    private static String jvmOpts() {
        String opts = System.getenv("JVM_OPTS");
        return opts == null || opts.isBlank() ? "-Xms1g -Xmx1g -XX:+UseParallelGC" : opts;
    }

    private String serverLog() {
        try {
            return Files.readString(dir.resolve("server.log"));
        } catch (IOException e) {
            return "(no server.log: " + e + ")";
        }
    }

    private synchronized void stopServer() {
        if (server != null && server.isAlive()) {
            server.destroy(); // SIGTERM: the runtime drains, and idle connections close within 1 s
            try {
                if (!server.waitFor(40, TimeUnit.SECONDS)) {
                    server.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                server.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException | UncheckedIOException e) {
                System.err.println("idle-heap: could not remove " + dir + ": " + e);
            }
            dir = null;
        }
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.setSoTimeout(10_000);
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
        return s;
    }

    /** One GET / on S; reads the whole response (Content-Length framed) and returns its status. */
    private int get(Socket s) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(("GET / HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        // One request in flight, so whatever arrives until the response is whole is this
        // response: read in chunks until the head and Content-Length bytes of body are in.
        InputStream in = s.getInputStream();
        ByteArrayOutputStream received = new ByteArrayOutputStream(256);
        byte[] chunk = new byte[1024];
        while (true) {
            int n = in.read(chunk);
            if (n < 0) {
                throw new IOException("connection closed before the response was whole");
            }
            received.write(chunk, 0, n);
            String text = received.toString(StandardCharsets.ISO_8859_1);
            int headEnd = text.indexOf("\r\n\r\n");
            if (headEnd >= 0) {
                Matcher length = CONTENT_LENGTH.matcher(text.substring(0, headEnd + 2));
                int bodyLength = length.find() ? Integer.parseInt(length.group(1)) : 0;
                if (text.length() >= headEnd + 4 + bodyLength) {
                    return Integer.parseInt(text.substring(9, 12));
                }
            }
        }
    }
}

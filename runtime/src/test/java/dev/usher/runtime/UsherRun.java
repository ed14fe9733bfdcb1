package dev.usher.runtime;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * One {@code java -jar usher.jar ARGS} process started by a test, in a working directory of the
 * test's, with its console (standard output and error) read line by line. {@link #close()} kills
 * it if it still runs: use it in try-with-resources.
 */
final class UsherRun implements AutoCloseable {

    static final Duration STARTUP = Duration.ofSeconds(60);
    static final Duration SHUTDOWN = Duration.ofSeconds(30);

    /** The jar under test. */
    static Path jar() {
        Path jar = Path.of(System.getProperty("usher.jar", "target/usher.jar")).toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), "no executable jar at " + jar);
        return jar;
    }

    /** The java executable running the tests. */
    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** {@code java -Dlaunch.timeout=... -jar usher.jar ARGS}, as a command line. */
    static List<String> command(String... args) {
        return command(List.of(), args);
    }

    /** {@code java -Dlaunch.timeout=... JVM_OPTIONS -jar usher.jar ARGS}, as a command line. */
    static List<String> command(List<String> jvmOptions, String... args) {
        List<String> command = new ArrayList<>(List.of(java(),
                "-Xmx256m",
                "-Dlaunch.timeout=300000")); // a safety net: the launcher exits by itself after 5 min
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar().toString());
        command.addAll(List.of(args));
        return command;
    }

    private final Process process;
    private final Console console;
    private final String label;

    private UsherRun(Process process, String label) {
        this.process = process;
        this.label = label;
        this.console = new Console(process, label);
    }

    /** Starts {@code java -jar usher.jar ARGS} in {@code directory}. */
    static UsherRun start(Path directory, String... args) throws IOException {
        return start(directory, List.of(), args);
    }

    /** Starts {@code java JVM_OPTIONS -jar usher.jar ARGS} in {@code directory}. */
    static UsherRun start(Path directory, List<String> jvmOptions, String... args) throws IOException {
        Process process = new ProcessBuilder(command(jvmOptions, args)).directory(directory.toFile())
                .redirectErrorStream(true).start();
        return new UsherRun(process, String.join(" ", args));
    }

    Process process() {
        return process;
    }

    long pid() {
        return process.pid();
    }

    Console console() {
        return console;
    }

    /** Waits for the control bundle's "is serving" line (the servers listen, the pid file is written). */
    UsherRun awaitServing() throws InterruptedException {
        console.await(line -> line.contains("dev.usher.runtime.control") && line.contains(" is serving, pid "),
                STARTUP);
        return this;
    }

    /** Sends a signal by name ({@code HUP}, {@code TTIN}, ...) with kill(1). */
    void signal(String name) throws IOException, InterruptedException {
        signal(process.pid(), name);
    }

    static void signal(long pid, String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).redirectErrorStream(true).start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0,
                () -> "kill -" + name + " " + pid + " failed");
    }

    /** Waits for the process to exit; returns its status. Fails at the deadline with the console. */
    int awaitExit(Duration within) throws InterruptedException {
        if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
            fail("[" + label + "] still running " + within + " later:\n" + console.text());
        }
        console.awaitEnd(SHUTDOWN);
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(SHUTDOWN.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Puts the test application bundle (its {@code /slow} application) in {@code directory}'s deploy/. */
    static void deploySlowApplication(Path directory) throws IOException {
        Path bundle = Path.of(System.getProperty("usher.testapp.jar", "target/it-bundles/usher-runtime-testapp.jar"));
        assertTrue(Files.isRegularFile(bundle), "no test application at " + bundle.toAbsolutePath());
        Files.copy(bundle, Files.createDirectories(directory.resolve("deploy")).resolve("usher-runtime-testapp.jar"),
                StandardCopyOption.REPLACE_EXISTING);
    }

    /** Waits until /slow is mounted on {@code port} (until then / answers it). */
    void awaitSlowApplication(int port) throws InterruptedException {
        poll("no /slow application", STARTUP, () -> {
            try (HttpConnection connection = HttpConnection.tcp("127.0.0.1", port, 10_000)) {
                return "done after 0 ms".equals(connection.get("/slow?0").body());
            } catch (IOException e) {
                return false;
            }
        });
    }

    /** Ports {@link #freePort()} handed out in this JVM. */
    private static final java.util.Set<Integer> GIVEN = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * A free TCP port on 127.0.0.1 (free when asked; the tests bind it soon after), never one
     * handed out before in this JVM: the system may hand a port just released back at once, and
     * two servers of one test given the same port collide.
     */
    static int freePort() throws IOException {
        while (true) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
                if (GIVEN.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            }
        }
    }

    /** Whether this machine has an IPv6 loopback to bind. */
    static boolean ipv6Loopback() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName("::1"), 0));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Polls {@code condition} until it holds, failing at the deadline with {@code what}; between
     * two looks it waits for the console to say something (at most 50 ms).
     */
    void poll(String what, Duration within, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("[" + label + "] " + what + " within " + within + ":\n" + console.text());
            }
            console.awaitMore(Duration.ofMillis(50));
        }
    }

    /** The process's console, read line by line on a thread of its own. */
    static final class Console {

        private final List<String> lines = new ArrayList<>();
        private final String label;
        private boolean ended;

        Console(Process process, String label) {
            this.label = label;
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) {
                        synchronized (this) {
                            lines.add(line);
                            notifyAll();
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } finally {
                    synchronized (this) {
                        ended = true;
                        notifyAll();
                    }
                }
            }, "usher-console-reader");
            reader.setDaemon(true);
            reader.start();
        }

        synchronized List<String> lines() {
            return new ArrayList<>(lines);
        }

        synchronized String text() {
            return String.join("\n", lines);
        }

        /** How many lines match. */
        synchronized long count(Predicate<String> match) {
            return lines.stream().filter(match).count();
        }

        /** The index of the first line matching, or -1. */
        synchronized int indexOf(Predicate<String> match) {
            for (int i = 0; i < lines.size(); i++) {
                if (match.test(lines.get(i))) {
                    return i;
                }
            }
            return -1;
        }

        /** Waits until a line matches and returns its index; fails at the deadline or when the output ends. */
        int await(Predicate<String> match, Duration within) throws InterruptedException {
            return awaitFrom(0, match, within);
        }

        /** Waits until a line at {@code from} or later matches and returns its index. */
        synchronized int awaitFrom(int from, Predicate<String> match, Duration within) throws InterruptedException {
            long deadline = System.nanoTime() + within.toNanos();
            for (int seen = from; ; ) {
                for (; seen < lines.size(); seen++) {
                    if (match.test(lines.get(seen))) {
                        return seen;
                    }
                }
                long left = deadline - System.nanoTime();
                if (ended || left <= 0) {
                    fail("[" + label + "] no such line on the console" + (ended ? " (it ended)" : " within " + within)
                            + ":\n" + text());
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }

        /** Waits until {@code count} lines match. */
        synchronized void awaitCount(Predicate<String> match, long count, Duration within) throws InterruptedException {
            long deadline = System.nanoTime() + within.toNanos();
            while (count(match) < count) {
                long left = deadline - System.nanoTime();
                if (ended || left <= 0) {
                    fail("[" + label + "] fewer than " + count + " such lines:\n" + text());
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }

        /** Waits for the output to end (the process closed it), failing at the deadline. */
        synchronized void awaitEnd(Duration within) throws InterruptedException {
            long deadline = System.nanoTime() + within.toNanos();
            while (!ended) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    fail("[" + label + "] console output did not end:\n" + text());
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }

        /** Waits for another line (or the end), at most {@code atMost}. */
        synchronized void awaitMore(Duration atMost) throws InterruptedException {
            if (!ended) {
                int size = lines.size();
                long deadline = System.nanoTime() + atMost.toNanos();
                for (long left; lines.size() == size && !ended && (left = deadline - System.nanoTime()) > 0; ) {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                }
            }
        }
    }
}

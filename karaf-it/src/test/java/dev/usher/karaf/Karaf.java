package dev.usher.karaf;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * One Apache Karaf instance of a test: a fresh copy of the unpacked distribution in a directory of
 * its own, configured before its first start, run as {@code bin/karaf server}, and driven through
 * Karaf's own {@code bin/client}. {@link #close()} stops it (and kills it if it will not stop):
 * nothing of it outlives the test.
 */
final class Karaf implements AutoCloseable {

    static final Duration START = Duration.ofMinutes(3);
    static final Duration COMMAND = Duration.ofMinutes(2);
    static final Duration STOP = Duration.ofMinutes(1);

    /** The user {@link #prepare} enables in etc/users.properties, with this password. */
    static final String USER = "karaf";

    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;?]*[A-Za-z]");

    private final Path home;
    private final int sshPort;
    private Process process;
    private Thread killOnExit;

    private Karaf(Path home, int sshPort) {
        this.home = home;
        this.sshPort = sshPort;
    }

    /**
     * Copies {@code distribution} to {@code home} (emptied first) and configures the copy: its
     * own free ports, the {@value #USER} user, and Maven resolution from Karaf's system/ folder
     * and {@code repositories} (folders in repository layout, by id) only.
     *
     * <p>A copy per run, because a started Karaf writes into its directory (data/, etc/ through
     * config:property-set, instances/) and a second run must not start with the first one's
     * features installed.
     */
    static Karaf prepare(Path distribution, Path home, Map<String, Path> repositories) throws IOException {
        assertTrue(Files.isExecutable(distribution.resolve("bin/karaf")),
                "no unpacked Karaf at " + distribution + " (the pre-integration-test unpack)");
        for (Path repository : repositories.values()) {
            assertTrue(Files.isDirectory(repository), "no repository " + repository + " (pre-integration-test)");
        }
        deleteTree(home);
        copyTree(distribution, home);
        Karaf karaf = new Karaf(home, freePort());
        Path etc = karaf.etc();

        // 4.4.10 binds SSH to every address by default; with a well-known password it stays on loopback
        setProperty(etc.resolve("org.apache.karaf.shell.cfg"), "sshPort", Integer.toString(karaf.sshPort));
        setProperty(etc.resolve("org.apache.karaf.shell.cfg"), "sshHost", "127.0.0.1");
        // the JMX connector's registry (default 1099) and server (44444), already on 127.0.0.1; JMXMP
        // (9999) is off by default and the shutdown port is a random one (data/port) unless set
        setProperty(etc.resolve("org.apache.karaf.management.cfg"), "rmiRegistryPort", Integer.toString(freePort()));
        setProperty(etc.resolve("org.apache.karaf.management.cfg"), "rmiServerPort", Integer.toString(freePort()));

        // 4.4.10 ships every user commented out: without one, neither SSH nor bin/client gets in
        Files.writeString(etc.resolve("users.properties"), String.join("\n",
                "# written by RealKarafIT: the client logs in as " + USER,
                USER + " = " + USER + ",_g_:admingroup",
                "_g_\\:admingroup = group,admin,manager,viewer,systembundles,ssh",
                ""));

        // Default repositories are read in place (nothing is copied into a local repository), ours
        // first; no remote repository at all, so the test shows the features install offline, and
        // an artifact missing from system/ and ours fails here instead of coming from Central; and
        // a local repository of the instance's own, so ~/.m2 (which may hold an older Usher from
        // some mvn install, or what another build fetched) takes no part.
        Path mvnCfg = etc.resolve("org.ops4j.pax.url.mvn.cfg");
        StringBuilder defaults = new StringBuilder();
        repositories.forEach((id, repository) ->
                defaults.append(repository.toUri()).append("@id=").append(id).append("@snapshots, "));
        setProperty(mvnCfg, "org.ops4j.pax.url.mvn.defaultRepositories",
                defaults + property(mvnCfg, "org.ops4j.pax.url.mvn.defaultRepositories"));
        setProperty(mvnCfg, "org.ops4j.pax.url.mvn.repositories", "");
        addProperty(mvnCfg, "org.ops4j.pax.url.mvn.localRepository", home.resolve("data/m2").toString());
        return karaf;
    }

    /** Its etc/, where configuration files written before the start are read. */
    Path etc() {
        return home.resolve("etc");
    }

    /** Starts {@code bin/karaf server} and waits until its SSH port answers. */
    void start() throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/karaf").toString(), "server")
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(console().toFile());
        environment(builder);
        // the script then execs the JVM, so this process is Karaf itself (not a shell that would
        // survive a kill of its child, or leave the JVM behind when killed)
        builder.environment().put("KARAF_EXEC", "exec");
        process = builder.start();
        process.getOutputStream().close();
        killOnExit = new Thread(this::kill, "karaf-kill-on-exit");
        Runtime.getRuntime().addShutdownHook(killOnExit);

        long deadline = System.nanoTime() + START.toNanos();
        while (!answers(sshPort)) {
            if (!process.isAlive()) {
                fail("Karaf exited (status " + process.exitValue() + ") before its SSH port answered"
                        + diagnostics());
            }
            if (System.nanoTime() - deadline > 0) {
                fail("Karaf's SSH port " + sshPort + " did not answer within " + START + diagnostics());
            }
            awaitExit(Duration.ofMillis(100)); // a pause that notices an early exit at once
        }
    }

    /** What a shell command printed (ANSI colours removed), and the client's exit status. */
    record Result(int status, String output) {
    }

    /**
     * Runs {@code command} in Karaf's shell through {@code bin/client}, as an operator would, and
     * fails unless it succeeds.
     */
    String shell(String command) throws IOException, InterruptedException {
        Result result = run(command);
        if (result.status() != 0) {
            fail("'" + command + "' failed (status " + result.status() + "):\n" + result.output() + diagnostics());
        }
        return result.output();
    }

    /**
     * Runs {@code command} through {@code bin/client}, whatever its outcome. The client exits
     * with the command's status (1 for "Command not found" or an exception).
     *
     * <p>Batch mode ({@code -b}, the command on standard input): with the command as an argument,
     * 4.4.10's client closes its channel as soon as its standard input ends, and when that is
     * before the channel opened it waits for the opening forever (seen with stdin at /dev/null).
     */
    Result run(String command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/client").toString(),
                "-h", "127.0.0.1", "-a", Integer.toString(sshPort), "-u", USER, "-p", USER, "-b")
                .directory(home.toFile())
                .redirectErrorStream(true);
        environment(builder);
        // a file, not a pipe: log:display may print more than a pipe holds while we wait below
        Path output = Files.createTempFile(home, "client-", ".out");
        try {
            builder.redirectOutput(output.toFile());
            Process client = builder.start();
            try (OutputStream in = client.getOutputStream()) {
                in.write((command + "\n").getBytes(UTF_8));
            }
            if (!client.waitFor(COMMAND.toMillis(), TimeUnit.MILLISECONDS)) {
                destroyTree(client);
                fail("'" + command + "' did not finish within " + COMMAND + ":\n" + Files.readString(output, UTF_8)
                        + diagnostics());
            }
            return new Result(client.exitValue(), ANSI.matcher(Files.readString(output, UTF_8)).replaceAll(""));
        } finally {
            Files.deleteIfExists(output);
        }
    }

    /** Stops Karaf with {@code bin/stop}, waits for it to exit, and kills it if it does not. */
    @Override
    public void close() throws IOException, InterruptedException {
        if (process == null) {
            return;
        }
        try {
            if (process.isAlive()) {
                ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/stop").toString())
                        .directory(home.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(console().toFile()));
                environment(builder);
                Process stop = builder.start();
                if (!stop.waitFor(STOP.toMillis(), TimeUnit.MILLISECONDS)) {
                    destroyTree(stop);
                }
                awaitExit(STOP);
            }
        } finally {
            kill();
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        }
        assertTrue(!process.isAlive(), "Karaf (pid " + process.pid() + ") still runs");
    }

    /** Whether Karaf's process still runs. */
    boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** The last {@code lines} lines of data/log/karaf.log, and the console, for a failure's report. */
    String diagnostics() {
        return "\n---- " + home.resolve("data/log/karaf.log") + " (tail) ----\n" + tail(home.resolve("data/log/karaf.log"), 150)
                + "\n---- " + console() + " (tail) ----\n" + tail(console(), 30);
    }

    private Path console() {
        return home.resolve("karaf-console.log");
    }

    private void awaitExit(Duration within) throws InterruptedException {
        try {
            process.onExit().get(within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // still running: the callers look again
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    private void kill() {
        if (process != null) {
            destroyTree(process);
        }
    }

    /** Kills {@code process} and whatever it started, and waits (briefly) for them to be gone. */
    private static void destroyTree(Process process) {
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        for (ProcessHandle handle : all) {
            handle.destroyForcibly();
        }
        for (ProcessHandle handle : all) {
            try {
                handle.onExit().get(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException | TimeoutException e) {
                // reported by close()'s check on Karaf itself
            }
        }
    }

    /**
     * Karaf's scripts read these from the environment: the JDK running the tests runs Karaf, and
     * nothing of the machine's own Karaf settings leaks in.
     */
    private static void environment(ProcessBuilder builder) {
        Map<String, String> environment = builder.environment();
        for (String name : List.of("KARAF_HOME", "KARAF_BASE", "KARAF_DATA", "KARAF_ETC", "KARAF_LOG", "KARAF_OPTS",
                "KARAF_SYSTEM_OPTS", "KARAF_DEBUG", "KARAF_EXEC", "JAVA_OPTS", "EXTRA_JAVA_OPTS", "JAVA_DEBUG_OPTS")) {
            environment.remove(name);
        }
        environment.put("JAVA_HOME", System.getProperty("java.home"));
    }

    private static boolean answers(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String tail(Path file, int lines) {
        try {
            if (!Files.exists(file)) {
                return "(none)";
            }
            List<String> all = Files.readAllLines(file, UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /** Ports {@link #freePort()} handed out in this JVM. */
    private static final Set<Integer> GIVEN = ConcurrentHashMap.newKeySet();

    /**
     * A free TCP port on 127.0.0.1, never one handed out before in this JVM: the system may hand a
     * port just released back at once, and two listeners of one Karaf given the same port collide.
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

    // --- .cfg files: Felix properties, where a value may continue over lines ending in '\' ---

    /** The logical line of {@code key}: its first and last physical line, or null. */
    private static int[] find(List<String> lines, String key) {
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.startsWith("#") || line.startsWith("!")) {
                continue;
            }
            int separator = indexOfSeparator(line);
            if (separator > 0 && line.substring(0, separator).strip().equals(key)) {
                int last = i;
                while (last < lines.size() - 1 && lines.get(last).endsWith("\\")) {
                    last++;
                }
                return new int[] {i, last};
            }
        }
        return null;
    }

    private static int indexOfSeparator(String line) {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '=' || c == ':') {
                return i;
            }
        }
        return -1;
    }

    /** {@code key}'s value, its continuation lines joined. */
    static String property(Path file, String key) throws IOException {
        List<String> lines = Files.readAllLines(file, UTF_8);
        int[] at = find(lines, key);
        assertTrue(at != null, () -> file + " has no " + key + " to change");
        StringBuilder value = new StringBuilder();
        for (int i = at[0]; i <= at[1]; i++) {
            String raw = lines.get(i);
            String line = i == at[0] ? raw.substring(indexOfSeparator(raw) + 1) : raw;
            value.append(line.endsWith("\\") ? line.substring(0, line.length() - 1) : line).append(' ');
        }
        return value.toString().strip().replaceAll("\\s*,\\s*", ", ");
    }

    /**
     * Replaces {@code key}'s value; fails if the file does not set it, so that a later Karaf that
     * renamed a setting fails here rather than quietly running with its default (a clashing port).
     */
    static void setProperty(Path file, String key, String value) throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(file, UTF_8));
        int[] at = find(lines, key);
        assertTrue(at != null, () -> file + " has no " + key + " to change");
        lines.subList(at[0], at[1] + 1).clear();
        lines.add(at[0], key + " = " + value);
        Files.write(file, lines, UTF_8);
    }

    /** Adds {@code key}, which the file must not set yet. */
    static void addProperty(Path file, String key, String value) throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(file, UTF_8));
        assertTrue(find(lines, key) == null, () -> file + " already sets " + key);
        lines.add(key + " = " + value);
        Files.write(file, lines, UTF_8);
    }

    // --- files ---

    private static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path directory, BasicFileAttributes attributes) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(directory)));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                // COPY_ATTRIBUTES keeps the scripts executable
                Files.copy(file, to.resolve(from.relativize(file)), StandardCopyOption.COPY_ATTRIBUTES,
                        LinkOption.NOFOLLOW_LINKS);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path directory, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(directory);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}

package dev.usher.soak;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One {@code java -jar usher.jar} child process on default settings but for {@code listen}, in a
 * working directory of its own: {@code etc/} for its settings, {@code tmp/} as its
 * {@code java.io.tmpdir} (so its temporary files can be counted), {@code gc.log} for
 * {@code -Xlog:gc*} (heap after a full GC) and {@code console.log}. {@link #close()} kills it if it
 * still runs.
 */
public final class UsherProcess implements AutoCloseable {

    /** How long the runtime may take to serve; generous, the machine is shared. */
    public static final Duration STARTUP = Duration.ofSeconds(90);

    private final Process process;
    private final Console console;
    private final Path directory;
    private final int port;
    private final SettingsFile settings;

    private UsherProcess(Process process, Console console, Path directory, int port, SettingsFile settings) {
        this.process = process;
        this.console = console;
        this.directory = directory;
        this.port = port;
        this.settings = settings;
    }

    /**
     * Starts {@code java -Xmx256m ... -jar jar} in {@code directory} (created if need be) listening on
     * a free port of 127.0.0.1, and waits until it logs {@code is serving}.
     */
    public static UsherProcess start(Path jar, Path directory) throws IOException, InterruptedException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("no usher.jar at " + jar.toAbsolutePath()
                    + " (build it: mvn -B -q install -DskipTests)");
        }
        Files.createDirectories(directory);
        Path tmp = Files.createDirectories(directory.resolve("tmp"));
        int port = freePort();
        SettingsFile settings = new SettingsFile(directory);
        settings.write(listenOnly(port));
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-Djava.io.tmpdir=" + tmp.toAbsolutePath(),
                "-Xlog:gc*:file=" + directory.resolve("gc.log").toAbsolutePath(),
                "-jar", jar.toAbsolutePath().toString());
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
        Console console;
        try {
            console = new Console(process.getInputStream(), directory.resolve("console.log"));
        } catch (IOException e) {
            process.destroyForcibly();
            throw e;
        }
        UsherProcess usher = new UsherProcess(process, console, directory, port, settings);
        // registered before the reader starts, so it cannot pass the line first
        Console.Watch serving = console.watch(
                line -> line.contains("dev.usher.runtime.control") && line.contains(" is serving, pid "));
        console.start();
        try {
            serving.await(STARTUP);
        } catch (RuntimeException | InterruptedException e) {
            usher.close();
            throw e;
        }
        return usher;
    }

    /** The settings file's content at start: {@code listen} only, everything else the defaults. */
    public static Map<String, String> listenOnly(int port) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("listen", "127.0.0.1:" + port);
        return settings;
    }

    public long pid() {
        return process.pid();
    }

    public int port() {
        return port;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Console console() {
        return console;
    }

    public SettingsFile settings() {
        return settings;
    }

    public Path directory() {
        return directory;
    }

    /** Its {@code java.io.tmpdir}. */
    public Path temporaryDirectory() {
        return directory.resolve("tmp");
    }

    /** Its {@code -Xlog:gc*} file. */
    public Path gcLog() {
        return directory.resolve("gc.log");
    }

    /** Sends a signal by name ({@code TERM}, {@code HUP}, ...) with kill(1). */
    public void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).redirectErrorStream(true)
                .start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IOException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    /** Waits for the process to exit; its status, or null if it still runs at the deadline. */
    public Integer awaitExit(Duration within) throws InterruptedException {
        if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
            return null;
        }
        console.awaitEnd(Duration.ofSeconds(10));
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** A free TCP port on 127.0.0.1 (free when asked; the runtime binds it soon after). */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            return socket.getLocalPort();
        }
    }
}

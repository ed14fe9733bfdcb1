package dev.usher.runtime.launch;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.usher.runtime.options.DaemonStatus;
import dev.usher.runtime.options.Options;
import dev.usher.runtime.options.PidFile;

/**
 * {@code -D}: the launcher starts the same command again in a new session ({@code setsid}, when
 * there is one) with standard input from {@code /dev/null} and standard output and error to the
 * log file ({@code --log-file FILE}) or {@code /dev/null}, waits until the daemon reports that it
 * serves, and exits 0 -- or prints the daemon's error and exits 1 if it does not come up.
 *
 * <p>The daemon reports through a file in a private temporary directory (see
 * {@link DaemonStatus}), whose path it gets as the framework property
 * {@value Options#DAEMON_STATUS}; that property is also what tells the daemon's launcher that it is
 * the daemon. The directory is deleted before the launcher exits.
 */
final class Daemon {

    /** How long the launcher waits for the daemon to serve, in seconds (system property). */
    static final String TIMEOUT_PROPERTY = "usher.daemon.timeout";

    private static final long DEFAULT_TIMEOUT_SECONDS = 120;

    private Daemon() {
    }

    /** Starts the daemon and waits for its report; returns the launcher's exit status. */
    static int detach(Options options, String[] args) {
        Path directory = null;
        try {
            directory = Files.createTempDirectory("usher-daemon-"); // mode 0700
            Path status = directory.resolve("status");
            // should this launcher be stopped while it waits: deleted in the reverse order
            directory.toFile().deleteOnExit();
            status.toFile().deleteOnExit();
            status.resolveSibling(status.getFileName() + ".tmp").toFile().deleteOnExit();
            ProcessBuilder builder = new ProcessBuilder(command(status, args))
                    .redirectInput(new File("/dev/null"))
                    .redirectErrorStream(true);
            if (options.logFile() != null && !options.logFile().equals("-")) {
                Path log = Path.of(options.logFile()).toAbsolutePath();
                PidFile.createIfAbsent(log, options.umask());
                builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            } else {
                builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
            }
            Process daemon = builder.start();
            return await(daemon, status, options);
        } catch (IOException e) {
            System.err.println("usher: error: cannot start the daemon: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } finally {
            if (directory != null) {
                deleteTree(directory);
            }
        }
    }

    private static int await(Process daemon, Path status, Options options) throws IOException, InterruptedException {
        long timeout = Long.getLong(TIMEOUT_PROPERTY, DEFAULT_TIMEOUT_SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeout);
        while (true) {
            String report = DaemonStatus.read(status);
            if (report != null) {
                if (report.startsWith(DaemonStatus.READY)) {
                    return 0;
                }
                String message = report.startsWith(DaemonStatus.FAILED)
                        ? report.substring(DaemonStatus.FAILED.length()).strip() : report;
                System.err.println("usher: error: the daemon did not start: " + message);
                return 1;
            }
            // waiting on the process doubles as the pause between two looks at the report
            if (daemon.waitFor(50, TimeUnit.MILLISECONDS)) {
                report = DaemonStatus.read(status);
                if (report != null) {
                    continue; // it reported, then exited
                }
                System.err.println("usher: error: the daemon exited with status " + daemon.exitValue()
                        + " before serving" + seeLog(options));
                return daemon.exitValue() == 0 ? 1 : daemon.exitValue();
            }
            if (System.nanoTime() - deadline > 0) {
                System.err.println("usher: error: the daemon did not serve within " + timeout + " s; stopping it"
                        + seeLog(options));
                daemon.destroy();
                return 1;
            }
        }
    }

    private static String seeLog(Options options) {
        return options.logFile() != null && !options.logFile().equals("-")
                ? " (see " + Path.of(options.logFile()).toAbsolutePath() + ")" : " (give --log-file to see why)";
    }

    /** [setsid] java [the JVM's options] -Dusher.daemon.status=FILE -jar usher.jar ARGS. */
    static List<String> command(Path status, String[] args) {
        List<String> command = new ArrayList<>();
        Path setsid = setsid();
        if (setsid != null) {
            command.add(setsid.toString());
        }
        command.add(ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String argument : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!argument.startsWith("-D" + Options.DAEMON_STATUS + "=")) {
                command.add(argument);
            }
        }
        command.add("-D" + Options.DAEMON_STATUS + "=" + status);
        String classPath = System.getProperty("java.class.path");
        if (!classPath.contains(File.pathSeparator) && classPath.endsWith(".jar")) {
            command.add("-jar");
            command.add(Path.of(classPath).toAbsolutePath().toString());
        } else {
            command.add("-cp");
            command.add(classPath);
            command.add(Main.class.getName());
        }
        command.addAll(List.of(args));
        return command;
    }

    /**
     * The {@code setsid} program, or null. It starts the daemon in a session of its own (no
     * controlling terminal, not in the caller's process group); it execs rather than forks
     * because the launcher's child is no process group leader.
     */
    private static Path setsid() {
        String path = System.getenv("PATH");
        List<String> directories = new ArrayList<>(List.of("/usr/bin", "/bin"));
        if (path != null) {
            directories.addAll(0, List.of(path.split(File.pathSeparator)));
        }
        for (String directory : directories) {
            if (directory.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(directory, "setsid");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static void deleteTree(Path directory) {
        try (var entries = Files.list(directory)) {
            for (Path entry : entries.toList()) {
                Files.deleteIfExists(entry);
            }
            Files.deleteIfExists(directory);
        } catch (IOException e) {
            System.err.println("usher: warning: cannot delete " + directory + ": " + e.getMessage());
        }
    }
}

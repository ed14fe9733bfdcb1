package dev.usher.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code -D}: the launcher exits 0 once the daemon serves, the daemon runs in a session of its
 * own and the pid file names it; USR1 reopens its log file after a rotation; a daemon that cannot
 * start makes the launcher exit 1 with its error.
 */
class DaemonIT {

    @TempDir
    Path directory;

    @Test
    void detachesAndThePidFileNamesTheDaemon() throws Exception {
        int port = UsherRun.freePort();
        Path pidFile = directory.resolve("usher.pid");
        Path log = directory.resolve("usher.log");
        Process launcher = new ProcessBuilder(UsherRun.command("-D", "-b", "127.0.0.1:" + port, "-p", pidFile.toString(),
                "--log-file", log.toString())).directory(directory.toFile()).redirectErrorStream(true).start();
        ProcessHandle daemon = null;
        try {
            assertTrue(launcher.waitFor(60, TimeUnit.SECONDS), "the launcher did not exit");
            String launcherOutput = new String(launcher.getInputStream().readAllBytes());
            assertEquals(0, launcher.exitValue(), launcherOutput);

            // serving before the launcher exited: the pid file is there, and names another process
            assertTrue(Files.exists(pidFile), "no pid file after the launcher exited 0");
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            assertNotEquals(launcher.pid(), pid, "the pid file names the launcher");
            daemon = ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("no process " + pid));
            assertTrue(daemon.isAlive());
            Optional<ProcessHandle> parent = daemon.parent();
            assertTrue(parent.isEmpty() || parent.get().pid() != ProcessHandle.current().pid(), "still our child");
            assertEquals(pid + "", Files.readString(Path.of("/proc", pid + "", "stat")).split(" ")[5],
                    "the daemon leads a session of its own (setsid)");
            try (HttpConnection connection = HttpConnection.tcp("127.0.0.1", port, 10_000)) {
                assertEquals("Hello, World!", connection.get("/").body());
            }

            // logrotate: move the log away, USR1, and the daemon writes a new one
            Path rotated = directory.resolve("usher.log.1");
            Files.move(log, rotated);
            UsherRun.signal(pid, "USR1");
            poll("a new log file after USR1", () -> contains(log, "Handling signal: usr1: reopened " + log));
            assertTrue(contains(rotated, "is serving, pid " + pid), "the rotated log has the start");

            UsherRun.signal(pid, "TERM");
            try {
                daemon.onExit().get(30, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                fail("the daemon did not stop after TERM:\n" + Files.readString(log));
            }
            assertFalse(Files.exists(pidFile), "the pid file is removed at exit");
            assertTrue(contains(log, "Framework stopped in"), Files.readString(log));
        } finally {
            if (daemon != null && daemon.isAlive()) {
                daemon.destroyForcibly();
                daemon.onExit().get(30, TimeUnit.SECONDS);
            }
            if (launcher.isAlive()) {
                launcher.destroyForcibly();
                launcher.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void aDaemonThatCannotStartMakesTheLauncherFailWithItsError() throws Exception {
        Path log = directory.resolve("usher.log");
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            Process launcher = new ProcessBuilder(UsherRun.command("--daemon", "-b", "127.0.0.1:" + taken.getLocalPort(),
                    "--log-file", log.toString())).directory(directory.toFile()).redirectErrorStream(true).start();
            try {
                assertTrue(launcher.waitFor(60, TimeUnit.SECONDS), "the launcher did not exit");
                String output = new String(launcher.getInputStream().readAllBytes());
                assertEquals(1, launcher.exitValue(), output);
                assertTrue(output.startsWith("usher: error: the daemon did not start: "), output);
                assertTrue(output.contains("127.0.0.1:" + taken.getLocalPort()), output);
                // and the daemon stopped itself
                poll("the daemon to stop", () -> contains(log, "Framework stopped in"));
            } finally {
                if (launcher.isAlive()) {
                    launcher.destroyForcibly();
                    launcher.waitFor(30, TimeUnit.SECONDS);
                }
            }
        }
    }

    private static boolean contains(Path file, String text) {
        try {
            return Files.exists(file) && Files.readString(file).contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    /** Polls until the condition holds (the daemon is no child of ours: no console to wait on). */
    private static void poll(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Object pace = new Object();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("no " + what + " within 30 s");
            }
            synchronized (pace) {
                pace.wait(20);
            }
        }
    }
}

package dev.usher.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line's answers that need no framework: {@code --check-config} on good and bad
 * files, bad options (exit 2, one line naming the option), {@code -u} as another user, a pid file
 * naming a live process, {@code --version} and {@code --help}.
 */
class CommandLineIT {

    @TempDir
    Path directory;

    record Result(int status, String out, String err) {
        @Override
        public String toString() {
            return "exit " + status + "\nstdout:\n" + out + "\nstderr:\n" + err;
        }
    }

    @Test
    void checkConfigOnAGoodFileSaysOkServerByServerAndExitsZero() throws Exception {
        Path config = Files.writeString(directory.resolve("usher.ini"), """
                [server:main]
                listen = 127.0.0.1:8080 [::1]:8080
                threads = 8

                [server:admin]
                unix_socket = /run/usher/admin.sock
                """);
        Files.createDirectories(directory.resolve("etc"));
        Files.writeString(directory.resolve("etc/dev.usher.server.cfg"), "backlog = 64\n");
        Result result = run("-c", config.toString(), "-w", "2", "--check-config", directory.toString());
        assertEquals(0, result.status(), result::toString);
        assertEquals(List.of(
                "server default: ok: http://127.0.0.1:8080 http://[::1]:8080, 8 threads, 2 workers, access log log",
                "server admin: ok: unix:/run/usher/admin.sock, 4 threads, 2 workers, access log log"),
                result.out().lines().toList(), result::toString);
        assertEquals("", result.err(), result::toString);
    }

    @Test
    void checkConfigOnABadFilePrintsEachErrorAndExitsOne() throws Exception {
        Path config = Files.writeString(directory.resolve("usher.ini"), """
                [server:main]
                threads = many

                [server:admin]
                listen = 127.0.0.1:http
                """);
        Result result = run("-c", config.toString(), "--check-config");
        assertEquals(1, result.status(), result::toString);
        assertEquals(List.of(
                "error: server default: threads=many: not a whole number (from " + config + " [server:main])",
                "error: server admin: listen=127.0.0.1:http: invalid port in 127.0.0.1:http (from " + config
                        + " [server:admin])"),
                result.err().lines().toList(), result::toString);
    }

    @Test
    void checkConfigOnAFileWithASyntaxErrorNamesTheLine() throws Exception {
        Path config = Files.writeString(directory.resolve("usher.ini"), "[server:main]\nthreads 8\n");
        Result result = run("--config", config.toString(), "--check-config");
        assertEquals(1, result.status(), result::toString);
        assertEquals("usher: error: " + config + ":2: expected key = value or a [section], got: threads 8",
                result.err().strip(), result::toString);
    }

    @Test
    void aStartWithBadSettingsIsRefusedBeforeAnythingRuns() throws Exception {
        Path config = Files.writeString(directory.resolve("usher.ini"), "threads = 0\n");
        Result result = run("-c", config.toString(), "-b", "127.0.0.1:" + UsherRun.freePort());
        assertEquals(1, result.status(), result::toString);
        assertTrue(result.err().startsWith("usher: error: server default: threads=0: must be from 1 to 10000"),
                result::toString);
    }

    @Test
    void badOptionsAreOneLineNamingTheOptionAndExitTwo() throws Exception {
        assertUsageError(run("-w", "zero"), "usher: error: option -w/--workers: not a whole number: 'zero'");
        assertUsageError(run("--bogus"), "usher: error: unrecognized option --bogus (see --help)");
        assertUsageError(run("-b", "127.0.0.1:99999"),
                "usher: error: option -b/--bind: listen=127.0.0.1:99999: invalid port in 127.0.0.1:99999");
        assertUsageError(run("--log-level", "chatty"),
                "usher: error: option --log-level: not a level: 'chatty' (debug, info, warning, error or critical)");
        assertUsageError(run("-c", directory.resolve("missing.ini").toString()),
                "usher: error: option -c/--config: no readable file " + directory.resolve("missing.ini"));
    }

    @Test
    void anotherUserIsRefusedWithHowToRunAsIt() throws Exception {
        Result result = run("-u", "usher-no-such-user", "-b", "127.0.0.1:" + UsherRun.freePort());
        assertEquals(1, result.status(), result::toString);
        assertTrue(result.err().startsWith("usher: error: option -u/--user: running as " + System.getProperty("user.name")),
                result::toString);
        assertTrue(result.err().contains("systemd's User=usher-no-such-user"), result::toString);
        Result group = run("-g", "usher-no-such-group", "-b", "127.0.0.1:" + UsherRun.freePort());
        assertEquals(1, group.status(), group::toString);
        assertTrue(group.err().contains("systemd's Group=usher-no-such-group"), group::toString);
    }

    @Test
    void aPidFileNamingALiveProcessIsRefused() throws Exception {
        Path pidFile = Files.writeString(directory.resolve("usher.pid"), ProcessHandle.current().pid() + "\n");
        Result result = run("-p", pidFile.toString(), "-b", "127.0.0.1:" + UsherRun.freePort());
        assertEquals(1, result.status(), result::toString);
        assertTrue(result.err().startsWith("usher: error: pid file " + pidFile + " names process "
                + ProcessHandle.current().pid() + ", which is running"), result::toString);
        assertEquals(ProcessHandle.current().pid() + "\n", Files.readString(pidFile), "left as it was");
    }

    @Test
    void versionAndHelp() throws Exception {
        Result version = run("--version");
        assertEquals(0, version.status(), version::toString);
        assertTrue(version.out().matches("usher \\S+\\n"), version::toString);
        Result help = run("-h");
        assertEquals(0, help.status(), help::toString);
        for (String option : List.of("-c, --config FILE", "-b, --bind ADDRESS", "-w, --workers INT", "-p, --pid FILE",
                "-D, --daemon", "-m, --umask INT", "-u, --user USER", "-g, --group GROUP", "-n, --name STRING",
                "--log-level LEVEL", "--log-file FILE", "-d, --debug", "--check-config", "--reuse-port",
                "--access-logfile FILE", "--graceful-timeout INT", "-t, --timeout INT", "--version", "-h, --help")) {
            assertTrue(help.out().contains(option), () -> option + " missing from\n" + help.out());
        }
    }

    private static void assertUsageError(Result result, String line) {
        assertEquals(2, result.status(), result::toString);
        assertEquals(line + "\n", result.err(), result::toString);
        assertEquals("", result.out(), result::toString);
    }

    private Result run(String... args) throws IOException, InterruptedException {
        Path out = Files.createTempFile(directory, "out", ".txt");
        Path err = Files.createTempFile(directory, "err", ".txt");
        Process process = new ProcessBuilder(UsherRun.command(args)).directory(directory.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "still running: " + List.of(args));
            return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }
}

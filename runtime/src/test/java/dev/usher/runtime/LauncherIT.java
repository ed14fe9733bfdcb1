package dev.usher.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Usher's own launcher (dev.usher.runtime.launch.FrameworkLauncher, which starts Felix with what
 * bnd's export wrote into usher.jar): the framework properties layered as before (options over
 * launcher.properties), bundles from {@code deploy/} installed and started at the default start
 * level, a framework storage of its own in {@code java.io.tmpdir} that is gone after the exit
 * (and those killed processes left are deleted, not those of running ones), and every start a
 * first start: nothing an earlier run in the same directory configured or deployed comes back.
 */
class LauncherIT {

    @TempDir
    Path directory;

    @Test
    void startsFromTheSettingsPathWithItsDeployedBundlesAndLeavesNoStorageBehind() throws Exception {
        Path workingDirectory = Files.createDirectories(directory.resolve("cwd"));
        Path settings = Files.createDirectories(directory.resolve("settings"));
        Path tmp = Files.createDirectories(directory.resolve("tmp"));
        int port = UsherRun.freePort();
        etc(settings, "dev.usher.server.cfg", "listen=127.0.0.1:" + port);
        UsherRun.deploySlowApplication(settings);
        // what earlier processes left: one killed long ago, one running (its lock held), one just starting
        Path abandoned = storage(tmp, "usher-4194305-abc", Instant.now().minus(Duration.ofMinutes(5)));
        Path running = storage(tmp, "usher-4194306-abd", Instant.now().minus(Duration.ofMinutes(5)));
        Path starting = storage(tmp, "usher-4194307-abe", Instant.now());
        try (FileChannel lock = FileChannel.open(running.resolve("cache.lock"), StandardOpenOption.WRITE);
                FileLock held = lock.lock();
                UsherRun usher = UsherRun.start(workingDirectory, List.of("-Djava.io.tmpdir=" + tmp),
                        settings.toString())) {
            usher.awaitServing();
            usher.awaitSlowApplication(port);
            usher.poll("the abandoned storage deleted", UsherRun.STARTUP, () -> !Files.exists(abandoned));
            assertEquals(3, storages(tmp).size(), () -> "its own, the running one's, the starting one's: "
                    + storages(tmp));

            usher.signal("TERM");
            assertEquals(0, usher.awaitExit(UsherRun.SHUTDOWN), usher.console()::text);
        }
        assertEquals(List.of(running, starting), storages(tmp).stream().sorted().toList(),
                "its own framework storage is deleted at exit, the others' are left");
        try (var left = Files.list(tmp)) {
            assertEquals(List.of(), left.filter(p -> p.getFileName().toString().startsWith("fileinstall")).toList(),
                    "FileInstall's temporary directory went with the storage");
        }
    }

    @Test
    void aSecondStartInTheSameDirectoryRunsOnWhatIsThereNow() throws Exception {
        int first = UsherRun.freePort();
        int admin = UsherRun.freePort();
        etc(directory, "dev.usher.server.cfg", "listen=127.0.0.1:" + first);
        etc(directory, "dev.usher.server-admin.cfg", "listen=127.0.0.1:" + admin);
        UsherRun.deploySlowApplication(directory);
        try (UsherRun usher = UsherRun.start(directory)) {
            usher.awaitServing();
            usher.awaitSlowApplication(first);
            try (HttpConnection connection = HttpConnection.tcp("127.0.0.1", admin, 10_000)) {
                assertEquals(200, connection.get("/").status());
            }
            usher.signal("TERM");
            assertEquals(0, usher.awaitExit(UsherRun.SHUTDOWN), usher.console()::text);
        }

        // between the two runs: the default server moves, the admin server and the application go
        int second = UsherRun.freePort();
        etc(directory, "dev.usher.server.cfg", "listen=127.0.0.1:" + second + "\nident=second");
        Files.delete(directory.resolve("etc/dev.usher.server-admin.cfg"));
        Files.delete(directory.resolve("deploy/usher-runtime-testapp.jar"));
        try (UsherRun usher = UsherRun.start(directory)) {
            usher.awaitServing();
            try (HttpConnection connection = HttpConnection.tcp("127.0.0.1", second, 10_000)) {
                HttpConnection.Response hello = connection.get("/slow?0");
                assertEquals("second", hello.header("server"), usher.console()::text);
                assertEquals("Hello, World!", hello.body().strip(), "no /slow: / answers it");
            }
            assertThrows(IOException.class, () -> HttpConnection.tcp("127.0.0.1", admin, 2_000).close(),
                    "no admin server");
            assertThrows(IOException.class, () -> HttpConnection.tcp("127.0.0.1", first, 2_000).close(),
                    "nothing on the first run's port");
            usher.signal("TERM");
            assertEquals(0, usher.awaitExit(UsherRun.SHUTDOWN), usher.console()::text);
        }
    }

    private static void etc(Path settings, String file, String content) throws IOException {
        Path etc = Files.createDirectories(settings.resolve("etc"));
        Path staged = Files.writeString(settings.resolve(file + ".tmp"), content + "\n");
        Files.move(staged, etc.resolve(file), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** A framework storage as Felix leaves one (a cache.lock, a bundle directory), last changed {@code at}. */
    private static Path storage(Path tmp, String name, Instant at) throws IOException {
        Path storage = Files.createDirectories(tmp.resolve(name).resolve("bundle0")).getParent();
        Files.createFile(storage.resolve("cache.lock"));
        Files.setLastModifiedTime(storage, FileTime.from(at));
        return storage;
    }

    /** The framework storages (usher-PID-...) in {@code tmp}. */
    private static List<Path> storages(Path tmp) {
        try (Stream<Path> entries = Files.list(tmp)) {
            return entries.filter(path -> Files.isDirectory(path) && path.getFileName().toString().startsWith("usher-"))
                    .toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}

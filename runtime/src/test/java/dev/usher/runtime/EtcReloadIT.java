package dev.usher.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Configuration files edited while the runtime runs: FileInstall hands them to Config Admin and
 * the servers follow without a restart or a signal, their open connections kept.
 */
class EtcReloadIT {

    @TempDir
    Path directory;

    @Test
    void editingAndAddingConfigurationFilesReconfiguresTheRunningRuntime() throws Exception {
        int first = UsherRun.freePort();
        int second = UsherRun.freePort();
        int admin = UsherRun.freePort();
        Path etc = Files.createDirectories(directory.resolve("etc"));
        Files.writeString(etc.resolve("dev.usher.server.cfg"), "listen=127.0.0.1:" + first + "\n");
        try (UsherRun usher = UsherRun.start(directory)) {
            usher.awaitServing();
            try (HttpConnection kept = HttpConnection.tcp("127.0.0.1", first, 10_000)) {
                assertEquals("Hello, World!", kept.get("/").body().strip());

                int mark = usher.console().lines().size();
                replace(etc.resolve("dev.usher.server.cfg"), "listen=127.0.0.1:" + second + "\nident=edited\n");
                usher.console().awaitFrom(mark, line -> line.contains("Serving on http://127.0.0.1:" + second),
                        UsherRun.STARTUP);
                try (HttpConnection moved = HttpConnection.tcp("127.0.0.1", second, 10_000)) {
                    assertEquals("edited", moved.get("/").header("server"), usher.console()::text);
                }
                HttpConnection.Response again = kept.get("/");
                assertEquals(200, again.status(), "the connection opened before the edit is still served");

                mark = usher.console().lines().size();
                replace(etc.resolve("dev.usher.server-admin.cfg"), "listen=127.0.0.1:" + admin + "\n");
                usher.console().awaitFrom(mark, line -> line.contains("Serving on http://127.0.0.1:" + admin),
                        UsherRun.STARTUP);
                try (HttpConnection adminConnection = HttpConnection.tcp("127.0.0.1", admin, 10_000)) {
                    assertEquals(200, adminConnection.get("/echo").status());
                }

                mark = usher.console().lines().size();
                Files.delete(etc.resolve("dev.usher.server-admin.cfg"));
                usher.console().awaitFrom(mark, line -> line.contains("Server admin stopped"), UsherRun.STARTUP);
                assertTrue(kept.get("/").status() == 200, "the default server is untouched");
            }
        }
    }

    /**
     * Writes a file the way editors save one: whole, beside the watched directory, then renamed
     * in. FileInstall polls; writing in place lets a scan fall between the truncation and the
     * write and apply a half-written file, which is not what this test is about.
     */
    private void replace(Path file, String content) throws Exception {
        Path staged = Files.writeString(Files.createDirectories(directory.resolve("staging")).resolve(file.getFileName()),
                content);
        Files.move(staged, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}

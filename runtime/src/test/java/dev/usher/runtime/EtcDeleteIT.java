package dev.usher.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A configuration file deleted while the runtime runs: its server returns to what the command
 * line and the settings file give, as after an edit, on the address they give and with the
 * runtime's access log, without passing through the bare defaults (never {@code 0.0.0.0:8080},
 * not even for a moment) and without a signal.
 */
class EtcDeleteIT {

    /** The console line of an access to {@code target} answered 200 (the runtime's {@code accesslog=log}). */
    private static Predicate<String> accessLine(String target) {
        return line -> line.contains("[dev.usher.access]") && line.contains("\"GET " + target + " HTTP/1.1\" 200");
    }

    private static final Predicate<String> ON_ALL_INTERFACES = line -> line.contains("0.0.0.0:8080");

    @TempDir
    Path directory;

    @Test
    void deletingTheDefaultServersFileReturnsItToTheCommandLine() throws Exception {
        int port = UsherRun.freePort();
        Path file = Files.createDirectories(directory.resolve("etc")).resolve("dev.usher.server.cfg");
        Files.writeString(file, "ident=fromfile\n");
        try (UsherRun usher = UsherRun.start(directory, "-b", "127.0.0.1:" + port)) {
            usher.awaitServing();
            try (HttpConnection kept = HttpConnection.tcp("127.0.0.1", port, 10_000)) {
                assertEquals("fromfile", kept.get("/").header("server"), usher.console()::text);

                int mark = usher.console().lines().size();
                Files.delete(file);
                usher.console().awaitFrom(mark, line -> line.contains("Server default: configuration applied"),
                        UsherRun.STARTUP);
                HttpConnection.Response response = kept.get("/echo/kept");
                assertEquals(200, response.status(), usher.console()::text);
                assertEquals("usher", response.header("server"), "the file's ident is gone");
                try (HttpConnection fresh = HttpConnection.tcp("127.0.0.1", port, 10_000)) {
                    response = fresh.get("/echo/after-delete");
                    assertEquals(200, response.status(), usher.console()::text);
                    assertEquals("usher", response.header("server"), usher.console()::text);
                }
                usher.console().awaitFrom(mark, line -> line.contains(
                        "Server default: configuration deleted; written anew from the command line"), UsherRun.STARTUP);
                usher.console().awaitFrom(mark, accessLine("/echo/kept"), UsherRun.STARTUP);
                usher.console().awaitFrom(mark, accessLine("/echo/after-delete"), UsherRun.STARTUP);
                assertEquals(List.of(), linesFrom(usher, mark, line -> line.contains("erving on ")),
                        "the listener on 127.0.0.1:" + port + " stays, no other opens");
            }
            stop(usher);
        }
    }

    @Test
    void deletingANamedServersFileKeepsItOnTheSettingsFile() throws Exception {
        int port = UsherRun.freePort();
        int admin = UsherRun.freePort();
        Path config = Files.writeString(directory.resolve("settings.ini"),
                "[server:admin]\nlisten = 127.0.0.1:" + admin + "\n");
        Path file = Files.createDirectories(directory.resolve("etc")).resolve("dev.usher.server-admin.cfg");
        Files.writeString(file, "ident=fromfile\n");
        try (UsherRun usher = UsherRun.start(directory, "-b", "127.0.0.1:" + port, "-c", config.toString())) {
            usher.awaitServing();
            try (HttpConnection connection = HttpConnection.tcp("127.0.0.1", admin, 10_000)) {
                assertEquals("fromfile", connection.get("/").header("server"), usher.console()::text);
            }

            int mark = usher.console().lines().size();
            Files.delete(file);
            int next = usher.console().awaitFrom(mark, line -> line.contains("Server admin: configuration applied")
                    || line.contains("Server admin stopped"), UsherRun.STARTUP);
            assertEquals(true, usher.console().lines().get(next).contains("configuration applied"),
                    usher.console()::text);
            try (HttpConnection connection = HttpConnection.tcp("127.0.0.1", admin, 10_000)) {
                HttpConnection.Response response = connection.get("/echo/admin-after-delete");
                assertEquals(200, response.status(), usher.console()::text);
                assertEquals("usher", response.header("server"), "the file's ident is gone");
            }
            usher.console().awaitFrom(mark, line -> line.contains(
                    "Server admin: configuration deleted; written anew from the command line"), UsherRun.STARTUP);
            usher.console().awaitFrom(mark, accessLine("/echo/admin-after-delete"), UsherRun.STARTUP);
            assertEquals(List.of(), linesFrom(usher, mark, line -> line.contains("Server admin stopped")
                    || line.contains("erving on ")), "server admin keeps running on 127.0.0.1:" + admin);
            stop(usher);
        }
    }

    /** TERM, a clean exit, and then: nothing ever listened on all interfaces. */
    private static void stop(UsherRun usher) throws Exception {
        usher.signal("TERM");
        assertEquals(0, usher.awaitExit(UsherRun.SHUTDOWN), usher.console()::text);
        assertEquals(List.of(), linesFrom(usher, 0, ON_ALL_INTERFACES), "never on bare defaults");
    }

    private static List<String> linesFrom(UsherRun usher, int from, Predicate<String> match) {
        List<String> lines = usher.console().lines();
        return lines.subList(from, lines.size()).stream().filter(match).toList();
    }
}

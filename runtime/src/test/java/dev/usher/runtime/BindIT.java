package dev.usher.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code -b} with two TCP addresses and a Unix socket, {@code -p} written once serving and
 * removed at exit, {@code -u} as the current user, {@code -n} in every log line.
 */
class BindIT {

    @TempDir
    Path directory;

    @Test
    void servesOnTwoAddressesAndAUnixSocketWithAPidFileThatGoesAway() throws Exception {
        int first = UsherRun.freePort();
        boolean ipv6 = UsherRun.ipv6Loopback();
        int second = UsherRun.freePort();
        String secondHost = ipv6 ? "::1" : "127.0.0.1";
        String secondBind = ipv6 ? "[::1]:" + second : "127.0.0.1:" + second;
        Path socket = directory.resolve("usher.sock");
        Path pidFile = directory.resolve("run/usher.pid");
        Files.createDirectories(pidFile.getParent());

        try (UsherRun usher = UsherRun.start(directory, "-b", "127.0.0.1:" + first, "-b", secondBind,
                "-b", "unix:" + socket, "-p", pidFile.toString(), "-u", System.getProperty("user.name"), "-n", "bind-it",
                "-m", "007")) {
            usher.awaitServing();
            assertEquals(usher.pid() + "\n", Files.readString(pidFile), "the pid file names the process");
            for (String url : new String[] {"http://127.0.0.1:" + first, ipv6 ? "http://[::1]:" + second
                    : "http://127.0.0.1:" + second, "unix:" + socket}) {
                usher.console().await(line -> line.contains("Serving on " + url), UsherRun.STARTUP);
            }
            try (HttpConnection tcp = HttpConnection.tcp("127.0.0.1", first, 10_000);
                    HttpConnection other = HttpConnection.tcp(secondHost, second, 10_000);
                    HttpConnection unix = HttpConnection.unix(socket)) {
                for (HttpConnection connection : new HttpConnection[] {tcp, other, unix}) {
                    HttpConnection.Response response = connection.get("/");
                    assertEquals(200, response.status(), usher.console()::text);
                    assertEquals("Hello, World!", response.body());
                }
            }
            assertEquals("rwxrwx---", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(socket)), "the socket's mode follows -m 007");
            assertTrue(usher.console().lines().stream().filter(line -> line.contains(" dev.usher."))
                    .allMatch(line -> line.contains(" [bind-it] ")), usher.console()::text);

            usher.signal("TERM");
            assertEquals(0, usher.awaitExit(UsherRun.SHUTDOWN), usher.console()::text);
            assertFalse(Files.exists(pidFile), "the pid file is removed at exit");
            assertTrue(usher.console().lines().stream().anyMatch(line -> line.contains("Framework stopped in")),
                    usher.console()::text);
            assertFalse(usher.console().lines().stream().anyMatch(line -> line.contains(" ERROR ")),
                    usher.console()::text);
        }
    }
}

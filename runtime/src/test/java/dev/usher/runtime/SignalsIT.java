package dev.usher.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signals to a running {@code usher.jar}: TERM lets a slow request in flight finish, then the
 * process exits 0; a second INT stops at once; HUP applies an edited settings file live on a
 * connection opened before; TTIN and TTOU change the number of I/O workers (as the control
 * bundle writes them, and as the dispatcher reports them: {@code Server default: N I/O workers}).
 */
class SignalsIT {

    @TempDir
    Path directory;

    @Test
    void termLetsASlowRequestInFlightFinishThenExitsZero() throws Exception {
        UsherRun.deploySlowApplication(directory);
        int port = UsherRun.freePort();
        Path pidFile = directory.resolve("usher.pid");
        try (UsherRun usher = UsherRun.start(directory, "-b", "127.0.0.1:" + port, "-p", pidFile.toString(),
                "--graceful-timeout", "20")) {
            usher.awaitServing();
            usher.awaitSlowApplication(port);
            int before = usher.console().lines().size();

            CompletableFuture<HttpConnection.Response> slow = CompletableFuture.supplyAsync(() -> {
                try (HttpConnection connection = HttpConnection.tcp("127.0.0.1", port, 30_000)) {
                    return connection.get("/slow?2500");
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            usher.console().awaitFrom(before, line -> line.contains("Slow request: working 2500 ms"), UsherRun.STARTUP);
            usher.signal("TERM");

            HttpConnection.Response response = slow.get(30, TimeUnit.SECONDS);
            assertEquals(200, response.status(), usher.console()::text);
            assertEquals("done after 2500 ms", response.body(), usher.console()::text);
            assertEquals(0, usher.awaitExit(UsherRun.SHUTDOWN), usher.console()::text);
            int done = usher.console().indexOf(line -> line.contains("Slow request: done after 2500 ms"));
            int stopped = usher.console().indexOf(line -> line.contains("Framework stopped in"));
            assertTrue(done >= 0 && stopped > done, usher.console()::text);
            assertFalse(Files.exists(pidFile), "the pid file is removed at exit");
        }
    }

    /**
     * TERM while a request's body is half sent: the request is answered when the rest arrives,
     * with {@code Connection: close}, and the process exits then, not after graceful_timeout.
     */
    @Test
    void termWaitsForAHalfSentRequestAndNoLonger() throws Exception {
        int port = UsherRun.freePort();
        try (UsherRun usher = UsherRun.start(directory, "-b", "127.0.0.1:" + port, "--graceful-timeout", "60")) {
            usher.awaitServing();
            HttpConnection connection = HttpConnection.tcp("127.0.0.1", port, 30_000);
            connection.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n" + "a".repeat(50));
            int before = usher.console().lines().size();
            long start = System.nanoTime();
            usher.signal("TERM");
            usher.console().awaitFrom(before, line -> line.contains("Server default: draining 1 connections"),
                    UsherRun.STARTUP);
            HttpConnection.Response response = connection.send("a".repeat(50)).response();
            assertEquals(200, response.status(), usher.console()::text);
            assertTrue(response.body().replace(" ", "").contains("\"body_length\":100"), response.body());
            assertEquals("close", response.header("connection"), usher.console()::text);
            assertTrue(connection.closedByServer());
            connection.close();
            assertEquals(0, usher.awaitExit(UsherRun.SHUTDOWN), usher.console()::text);
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(30),
                    "the process ended with the last response, long before graceful_timeout");
            assertFalse(usher.console().text().contains("still busy after graceful_timeout"), usher.console()::text);
        }
    }

    @Test
    void aSecondIntStopsAtOnce() throws Exception {
        UsherRun.deploySlowApplication(directory);
        int port = UsherRun.freePort();
        Path pidFile = directory.resolve("usher.pid");
        try (UsherRun usher = UsherRun.start(directory, "-b", "127.0.0.1:" + port, "-p", pidFile.toString(),
                "--graceful-timeout", "60")) {
            usher.awaitServing();
            usher.awaitSlowApplication(port);
            int before = usher.console().lines().size();
            CompletableFuture<Void> slow = CompletableFuture.runAsync(() -> {
                try (HttpConnection connection = HttpConnection.tcp("127.0.0.1", port, 60_000)) {
                    connection.get("/slow?45000");
                } catch (IOException expected) {
                    // the process halts under it
                }
            });
            usher.console().awaitFrom(before, line -> line.contains("Slow request: working 45000 ms"), UsherRun.STARTUP);
            usher.signal("INT");
            usher.console().awaitFrom(before, line -> line.contains("Handling signal: int: stopping gracefully"),
                    UsherRun.SHUTDOWN);
            long start = System.nanoTime();
            usher.signal("INT");
            assertEquals(130, usher.awaitExit(Duration.ofSeconds(20)), usher.console()::text);
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(20), "not at once");
            assertTrue(usher.console().text().contains("Handling signal: int: stopping at once"), usher.console()::text);
            assertFalse(Files.exists(pidFile), "the pid file is removed by a stop at once too");
            slow.get(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void hupAppliesTheEditedSettingsFileLiveAndKeepsConnections() throws Exception {
        int port = UsherRun.freePort();
        Path config = directory.resolve("usher.ini");
        Files.writeString(config, "[server:main]\nlisten = 127.0.0.1:" + port + "\nident = before-hup\n");
        try (UsherRun usher = UsherRun.start(directory, "-c", config.toString())) {
            usher.awaitServing();
            try (HttpConnection connection = HttpConnection.tcp("127.0.0.1", port, 10_000)) {
                assertEquals("before-hup", connection.get("/").header("server"));

                Files.writeString(config, "[server:main]\nlisten = 127.0.0.1:" + port + "\nident = after-hup\n");
                int before = usher.console().lines().size();
                usher.signal("HUP");
                int reloading = usher.console().awaitFrom(before, line -> line.contains("Handling signal: hup: reloading "
                        + config), UsherRun.STARTUP);
                usher.console().awaitFrom(reloading, line -> line.contains("Server default: configuration applied"),
                        UsherRun.STARTUP);

                HttpConnection.Response response = connection.get("/");
                assertEquals(200, response.status(), usher.console()::text);
                assertEquals("after-hup", response.header("server"), usher.console()::text);
                assertEquals(2, connection.requests(), "both on the connection opened before HUP");
            }
            usher.signal("TERM");
            assertEquals(0, usher.awaitExit(UsherRun.SHUTDOWN), usher.console()::text);
        }
    }

    @Test
    void ttinAndTtouChangeTheNumberOfWorkers() throws Exception {
        int port = UsherRun.freePort();
        try (UsherRun usher = UsherRun.start(directory, "-b", "127.0.0.1:" + port, "-w", "2")) {
            usher.awaitServing();
            workers(usher, "TTIN", 3);
            workers(usher, "TTOU", 2);
            workers(usher, "TTOU", 1);
            int before = usher.console().lines().size();
            usher.signal("TTOU");
            usher.console().awaitFrom(before, line -> line.contains("server default: workers stay 1 (the least is 1)"),
                    UsherRun.STARTUP);
            try (HttpConnection connection = HttpConnection.tcp("127.0.0.1", port, 10_000)) {
                assertEquals("Hello, World!", connection.get("/").body());
            }
            usher.signal("TERM");
            assertEquals(0, usher.awaitExit(UsherRun.SHUTDOWN), usher.console()::text);
        }
    }

    /**
     * Sends the signal and waits for the control bundle's line (the configuration it writes) and
     * the dispatcher's (the I/O loops it runs).
     */
    private static void workers(UsherRun usher, String signal, int workers) throws Exception {
        int before = usher.console().lines().size();
        usher.signal(signal);
        usher.console().awaitFrom(before, line -> line.contains("Handling signal: " + signal.toLowerCase()
                + ": server default: workers " + (signal.equals("TTIN") ? workers - 1 : workers + 1) + " -> " + workers),
                UsherRun.STARTUP);
        usher.console().awaitFrom(before, line -> line.contains("Server default: " + workers + " I/O workers"),
                UsherRun.STARTUP);
    }

    /**
     * TERM while long polls wait (the demo's /poll, asynchronous responses): at graceful_timeout
     * their connections close, and the process exits 0.
     */
    @Test
    void termWithLongPollsWaitingClosesThemAtGracefulTimeoutAndExits() throws Exception {
        int port = UsherRun.freePort();
        try (UsherRun usher = UsherRun.start(directory, "-b", "127.0.0.1:" + port, "--graceful-timeout", "1");
                java.net.Socket one = new java.net.Socket();
                java.net.Socket two = new java.net.Socket()) {
            usher.awaitServing();
            for (java.net.Socket poll : java.util.List.of(one, two)) {
                poll.connect(new java.net.InetSocketAddress("127.0.0.1", port), 5000);
                poll.setSoTimeout(30_000);
                poll.getOutputStream().write("GET /poll?wait=600 HTTP/1.1\r\nHost: x\r\n\r\n"
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            }
            // the server has read them once it answers a request sent after them on its one loop
            try (HttpConnection other = HttpConnection.tcp("127.0.0.1", port, 10_000)) {
                assertEquals(200, other.get("/").status());
            }
            long start = System.nanoTime();
            usher.signal("TERM");
            for (java.net.Socket poll : java.util.List.of(one, two)) {
                // closed unanswered (or, had TERM come first, answered and closed): never left waiting
                poll.getInputStream().readAllBytes();
            }
            assertEquals(0, usher.awaitExit(UsherRun.SHUTDOWN), usher.console()::text);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(millis < 15_000, "stopped in " + millis + " ms");
        }
    }
}

package dev.usher.runtime;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Smoke test of the executable jar: {@code java -jar usher.jar} in an empty directory with an
 * {@code etc/dev.usher.server.cfg}, on a free loopback port, answers {@code Hello, World!},
 * says so on the console, and stops cleanly on SIGTERM.
 */
class UsherJarIT {

    private static final Duration STARTUP = Duration.ofSeconds(60);
    private static final Duration SHUTDOWN = Duration.ofSeconds(30);

    @TempDir
    Path workingDirectory;

    @Test
    void servesHelloOnTheConfiguredPortAndStopsOnSigterm() throws Exception {
        Path jar = Path.of(System.getProperty("usher.jar", "target/usher.jar")).toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), "no executable jar at " + jar);

        int port = freeLoopbackPort();
        Files.createDirectories(workingDirectory.resolve("etc"));
        Files.writeString(workingDirectory.resolve("etc/dev.usher.server.cfg"), "listen=127.0.0.1:" + port + "\n");

        Process process = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dusher.log.events=true",       // bundle events on the console, should this fail
                "-Dlaunch.timeout=300000",       // a safety net: the launcher exits by itself after 5 min
                "-jar", jar.toString())
                .directory(workingDirectory.toFile())
                .redirectErrorStream(true)
                .start();
        Console console = new Console(process);
        try {
            String body = awaitHello(process, console, port);
            assertEquals("Hello, World!", body.strip(), console::text);
            console.await(line -> line.contains("Serving on http://127.0.0.1:" + port), deadline(STARTUP));

            // SIGTERM. Not Process.destroy(): that also closes our end of the process's output,
            // and what it prints while it stops would be lost.
            assertTrue(process.toHandle().destroy(), "could not send SIGTERM");
            assertTrue(process.waitFor(SHUTDOWN.toMillis(), TimeUnit.MILLISECONDS),
                    () -> "still running " + SHUTDOWN + " after SIGTERM:\n" + console.text());
            console.awaitEnd(deadline(SHUTDOWN));
            // the framework was stopped (every bundle stopped in order), not just the JVM killed
            assertTrue(console.lines().stream().anyMatch(line -> line.contains("Framework stopped in")),
                    () -> "exit value " + process.exitValue() + ", no clean stop:\n" + console.text());
            assertFalse(console.lines().stream().anyMatch(line -> line.contains(" ERROR ")), console::text);
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly();
                process.waitFor(SHUTDOWN.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    /** GETs / until it answers (or the deadline passes, or the process dies). */
    private static String awaitHello(Process process, Console console, int port) throws InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .timeout(Duration.ofSeconds(5)).build();
        long deadline = deadline(STARTUP);
        while (true) {
            if (!process.isAlive()) {
                fail("exited with " + process.exitValue() + " before serving:\n" + console.text());
            }
            try {
                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                assertEquals(200, response.statusCode(), console::text);
                return response.body();
            } catch (IOException notYet) {
                if (System.nanoTime() - deadline > 0) {
                    fail("nothing served on port " + port + " within " + STARTUP + ": " + notYet + "\n" + console.text());
                }
                console.awaitMore(Duration.ofMillis(100)); // pace the polling on console progress
            }
        }
    }

    private static long deadline(Duration in) {
        return System.nanoTime() + in.toNanos();
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** The process's console, read line by line on a thread of its own. */
    private static final class Console {

        private final List<String> lines = new ArrayList<>();
        private boolean ended;

        Console(Process process) {
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) {
                        synchronized (this) {
                            lines.add(line);
                            notifyAll();
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } finally {
                    synchronized (this) {
                        ended = true;
                        notifyAll();
                    }
                }
            }, "usher-console-reader");
            reader.setDaemon(true);
            reader.start();
        }

        synchronized List<String> lines() {
            return new ArrayList<>(lines);
        }

        synchronized String text() {
            return String.join("\n", lines);
        }

        /** Waits until a line matches, failing at the deadline or when the output ends. */
        synchronized void await(Predicate<String> match, long deadline) throws InterruptedException {
            for (int seen = 0; ; ) {
                for (; seen < lines.size(); seen++) {
                    if (match.test(lines.get(seen))) {
                        return;
                    }
                }
                long left = deadline - System.nanoTime();
                if (ended || left <= 0) {
                    fail("no such line on the console:\n" + text());
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }

        /** Waits for the output to end (the process closed it), failing at the deadline. */
        synchronized void awaitEnd(long deadline) throws InterruptedException {
            while (!ended) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    fail("console output did not end:\n" + text());
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }

        /** Waits for another line (or the end), at most {@code atMost}. */
        synchronized void awaitMore(Duration atMost) throws InterruptedException {
            if (!ended) {
                int size = lines.size();
                long deadline = deadline(atMost);
                for (long left; lines.size() == size && !ended && (left = deadline - System.nanoTime()) > 0; ) {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                }
            }
        }
    }
}

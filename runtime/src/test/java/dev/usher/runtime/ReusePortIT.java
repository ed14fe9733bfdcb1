package dev.usher.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Zero-downtime upgrade: under a load of concurrent keep-alive clients, a second runtime started
 * with the same {@code -b} and {@code --reuse-port} binds the address beside the first, the first
 * gets TERM and drains, and no request fails.
 *
 * <p>Each client loops GETs on one keep-alive connection and reconnects when the server closes it
 * after a complete response -- with {@code Connection: close}, or by closing it while idle, which
 * the client sees as its next request on that connection getting no byte of a response (the case
 * HTTP lets a client retry on a new connection). A request that fails otherwise is a failure: a
 * refused or reset new connection, a response cut short, a status other than 200.
 */
class ReusePortIT {

    private static final int CLIENTS = 8;
    private static final long MAX_REQUESTS_PER_CLIENT = 500_000;
    private static final Duration LOAD_LIMIT = Duration.ofSeconds(90);

    @TempDir
    Path directory;

    @Test
    void aSecondRuntimeTakesOverTheAddressWithoutAFailedRequest() throws Exception {
        int port = UsherRun.freePort();
        Path oldDirectory = Files.createDirectories(directory.resolve("old"));
        Path newDirectory = Files.createDirectories(directory.resolve("new"));
        Files.writeString(oldDirectory.resolve("usher.ini"), "ident = usher-old\n");
        Files.writeString(newDirectory.resolve("usher.ini"), "ident = usher-new\n");
        String[] common = {"-c", "usher.ini", "--reuse-port", "-b", "127.0.0.1:" + port, "-w", "2",
            "--graceful-timeout", "10", "--access-logfile", ""};

        Load load = new Load(port);
        try (UsherRun old = UsherRun.start(oldDirectory, common)) {
            old.awaitServing();
            load.start();
            old.poll("400 requests served by the old runtime", UsherRun.STARTUP, () -> load.served("usher-old") >= 400);

            try (UsherRun fresh = UsherRun.start(newDirectory, common)) {
                fresh.awaitServing();
                long start = System.nanoTime();
                old.signal("TERM");
                assertEquals(0, old.awaitExit(UsherRun.SHUTDOWN), old.console()::text);
                long handOver = System.nanoTime() - start;
                long newBefore = load.served("usher-new");
                fresh.poll("500 more requests served by the new runtime", UsherRun.STARTUP,
                        () -> load.served("usher-new") >= newBefore + 500);
                load.stop();

                System.out.printf("reuse-port hand-over: %d requests (%d old, %d new), %d reconnects after a close, "
                        + "old runtime drained and exited %d ms after TERM, %d failures%n", load.total(),
                        load.served("usher-old"), load.served("usher-new"), load.reconnects.get(),
                        TimeUnit.NANOSECONDS.toMillis(handOver), load.failures.size());
                if (!load.failures.isEmpty()) {
                    fail(load.failures.size() + " failed requests, e.g. " + load.failures.subList(0,
                            Math.min(10, load.failures.size())) + "\nold runtime:\n" + old.console().text());
                }
                assertTrue(load.served("usher-new") >= 500);

                fresh.signal("TERM");
                assertEquals(0, fresh.awaitExit(UsherRun.SHUTDOWN), fresh.console()::text);
            }
        } finally {
            load.stop();
        }
    }

    /**
     * The measurement: {@code wrk -t1 -c64} on the old runtime, a new one started beside
     * it, TERM to the old once the new is serving. wrk counts every read or write error, refused
     * connection and non-2xx answer: a keep-alive connection closed under a client about to send
     * is a read error. There must be none.
     */
    @Test
    void wrkSeesNoErrorAcrossTheHandOver() throws Exception {
        Assumptions.assumeTrue(Wrk.installed(), "wrk is not installed");
        int port = UsherRun.freePort();
        Path oldDirectory = Files.createDirectories(directory.resolve("old"));
        Path newDirectory = Files.createDirectories(directory.resolve("new"));
        String[] common = {"--reuse-port", "-b", "127.0.0.1:" + port, "--access-logfile", ""};
        try (UsherRun old = UsherRun.start(oldDirectory, common)) {
            old.awaitServing();
            Wrk wrk = Wrk.start(directory, 64, Duration.ofSeconds(10), "http://127.0.0.1:" + port + "/");
            try (UsherRun fresh = UsherRun.start(newDirectory, common)) {
                fresh.awaitServing();
                old.signal("TERM");
                assertEquals(0, old.awaitExit(UsherRun.SHUTDOWN), old.console()::text);
                Wrk.Report report = wrk.report(Duration.ofSeconds(60));
                System.out.println("reuse-port hand-over under wrk -t1 -c64 -d10s:\n" + report.text());
                assertTrue(report.requests() > 0, report::text);
                assertEquals(0, report.socketErrors(), report::text);
                assertEquals(0, report.non2xx(), report::text);
                fresh.signal("TERM");
                assertEquals(0, fresh.awaitExit(UsherRun.SHUTDOWN), fresh.console()::text);
            }
        }
    }

    /** The clients. */
    private static final class Load {

        private final int port;
        private final AtomicBoolean stopping = new AtomicBoolean();
        private final Map<String, AtomicLong> served = new ConcurrentHashMap<>();
        private final AtomicLong reconnects = new AtomicLong();
        private final List<String> failures = new CopyOnWriteArrayList<>();
        private final List<Thread> threads = new ArrayList<>();
        private final long deadline = System.nanoTime() + LOAD_LIMIT.toNanos();

        Load(int port) {
            this.port = port;
        }

        void start() {
            for (int i = 0; i < CLIENTS; i++) {
                Thread thread = new Thread(this::client, "reuse-port-client-" + i);
                thread.setDaemon(true);
                threads.add(thread);
                thread.start();
            }
        }

        void stop() throws InterruptedException {
            stopping.set(true);
            for (Thread thread : threads) {
                thread.join(TimeUnit.SECONDS.toMillis(30));
            }
        }

        long served(String ident) {
            return served.computeIfAbsent(ident, key -> new AtomicLong()).get();
        }

        long total() {
            return served.values().stream().mapToLong(AtomicLong::get).sum();
        }

        private void client() {
            HttpConnection connection = null;
            LongSupplier now = System::nanoTime;
            try {
                for (long n = 0; n < MAX_REQUESTS_PER_CLIENT && !stopping.get() && now.getAsLong() - deadline < 0; n++) {
                    try {
                        if (connection == null) {
                            connection = HttpConnection.tcp("127.0.0.1", port, 15_000);
                        }
                        HttpConnection.Response response = connection.get("/");
                        if (response.status() != 200 || !"Hello, World!".equals(response.body())) {
                            failures.add("status " + response.status() + " " + response.body());
                        } else {
                            served.computeIfAbsent(String.valueOf(response.header("server")), key -> new AtomicLong())
                                    .incrementAndGet();
                        }
                        if (response.closes()) {
                            connection.close();
                            connection = null;
                            reconnects.incrementAndGet();
                        }
                    } catch (HttpConnection.ClosedBeforeResponse e) {
                        boolean reused = connection != null && connection.requests() > 1;
                        close(connection);
                        connection = null;
                        if (reused) {
                            reconnects.incrementAndGet(); // closed while idle, after its last complete response
                        } else {
                            failures.add("new connection: " + e.getMessage());
                        }
                    } catch (IOException e) {
                        close(connection);
                        connection = null;
                        failures.add(e.toString());
                    }
                }
            } finally {
                close(connection);
            }
        }

        private static void close(HttpConnection connection) {
            if (connection != null) {
                try {
                    connection.close();
                } catch (IOException e) {
                    // gone anyway
                }
            }
        }
    }
}

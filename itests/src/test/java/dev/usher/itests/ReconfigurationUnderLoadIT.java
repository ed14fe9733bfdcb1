package dev.usher.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import dev.usher.itests.ClientConnection.Response;

/**
 * Fifty configuration changes while keep-alive clients keep the server busy: every request must
 * get its complete 200 on the connection it was sent on, and no connection may be closed or
 * reset. The changes alternate between a second listen address (the clients use the first,
 * which stays), {@code threads}, {@code workers} and per-request limits ({@code ident},
 * {@code max_request_body_size}); each waits for the server's "configuration applied" and for
 * the clients to make progress before the next.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ReconfigurationUnderLoadIT extends UsherTestSupport {

    private static final int CLIENTS = 8;
    private static final int CHANGES = 50;
    private static final int BODY_SIZE = 2_048;

    @Configuration
    public Option[] configuration() {
        return UsherOptions.withDemo();
    }

    @Test
    public void fiftyChangesUnderLoadLoseNoRequest() throws Exception {
        int[] ports = freePorts(2);
        int stable = ports[0];
        int toggled = ports[1];
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("listen", "127.0.0.1:" + stable);
        settings.put("threads", "4");
        settings.put("workers", "2");
        settings.put("ident", "load-0");
        settings.put("max_request_body_size", "100000");
        org.osgi.service.cm.Configuration configuration = configureDefaultServer(keysAndValues(settings));
        assertHello(awaitAnswer(stable, "/"));

        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong completed = new AtomicLong();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        CountDownLatch connected = new CountDownLatch(CLIENTS);
        List<Thread> clients = new ArrayList<>();
        long[] perClient = new long[CLIENTS];
        for (int i = 0; i < CLIENTS; i++) {
            int client = i;
            Thread thread = new Thread(() -> runClient(client, stable, stop, completed, perClient, failures, connected),
                    "itest-load-client-" + i);
            thread.setDaemon(true);
            clients.add(thread);
            thread.start();
        }
        try {
            assertTrue("every client connected", connected.await(10, TimeUnit.SECONDS));
            for (int change = 1; change <= CHANGES && failures.isEmpty(); change++) {
                long before = completed.get();
                boolean secondAddress = false;
                switch (change % 4) {
                    case 1 -> {
                        secondAddress = !settings.get("listen").contains(" ");
                        settings.put("listen", "127.0.0.1:" + stable + (secondAddress ? " 127.0.0.1:" + toggled : ""));
                    }
                    // every change must change something: an update to equal settings applies nothing
                    case 2 -> settings.put("threads", String.valueOf(2 + (change / 4) % 5));
                    case 3 -> settings.put("workers", String.valueOf(1 + (change / 4) % 3));
                    default -> {
                        settings.put("ident", "load-" + change);
                        settings.put("max_request_body_size", String.valueOf(100_000 + change));
                    }
                }
                System.out.println("change " + change + ": " + settings);
                reconfigure(configuration, keysAndValues(settings));
                if (change % 4 == 1) {
                    if (secondAddress) {
                        assertHello(awaitAnswer(toggled, "/"));
                    } else {
                        awaitRefused(toggled);
                    }
                }
                if (change % 4 == 0) {
                    assertEquals("load-" + change, ClientConnection.get(stable, "/").header("Server"));
                }
                Await.condition("the clients to make progress after change " + change + " (failures: " + failures
                        + ")", seconds(15), () -> completed.get() >= before + 2 * CLIENTS || !failures.isEmpty());
            }
        } finally {
            stop.set(true);
            for (Thread thread : clients) {
                thread.join(TimeUnit.SECONDS.toMillis(15));
            }
        }
        for (Thread thread : clients) {
            assertFalse(thread.getName() + " did not stop", thread.isAlive());
        }
        System.out.println("requests completed: " + completed.get() + " per client: " + Arrays.toString(perClient));
        assertEquals("failed requests", List.of(), List.copyOf(failures));
        for (int i = 0; i < CLIENTS; i++) {
            assertTrue("client " + i + " completed requests", perClient[i] > 0);
        }
        assertEquals("I/O loops that died", List.of(), log.since(0, "died"));
        assertEquals("refused changes", List.of(), log.since(0, "keeping the current settings"));
    }

    /**
     * One client: one connection, never re-opened, {@code GET /} and {@code POST /echo} in turn
     * until told to stop; the first failure is recorded and ends it.
     */
    private static void runClient(int client, int port, AtomicBoolean stop, AtomicLong completed, long[] perClient,
            ConcurrentLinkedQueue<String> failures, CountDownLatch connected) {
        byte[] body = new byte[BODY_SIZE];
        new Random(client).nextBytes(body);
        long done = 0;
        String last = "nothing yet";
        try (ClientConnection connection = ClientConnection.open(port)) {
            connected.countDown();
            String sha256 = sha256(body);
            while (!stop.get()) {
                last = "GET /load/" + client + "/" + done;
                Response hello = connection.get("/load/" + client + "/" + done);
                check(hello.status() == 200 && hello.text().equals("Hello, World!") && !hello.closes(), hello);
                done++;
                last = "POST /echo/load (" + BODY_SIZE + " bytes)";
                Response echo = connection.request("POST", "/echo/load", Map.of("Content-Type",
                        "application/octet-stream"), body);
                check(echo.status() == 200 && !echo.closes()
                        && echo.text().contains("\"body_length\":" + BODY_SIZE)
                        && echo.text().contains("\"body_sha256\":\"" + sha256 + "\""), echo);
                done++;
                completed.addAndGet(2);
                perClient[client] = done;
            }
        } catch (Throwable t) {
            failures.add("client " + client + " after " + done + " good responses, on " + last + ": " + t);
        } finally {
            perClient[client] = done;
        }
    }

    private static void check(boolean good, Response response) {
        if (!good) {
            throw new AssertionError("unexpected response " + response);
        }
    }

    private static String[] keysAndValues(Map<String, String> settings) {
        List<String> all = new ArrayList<>();
        settings.forEach((key, value) -> {
            all.add(key);
            all.add(value);
        });
        return all.toArray(String[]::new);
    }
}

package dev.usher.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;

import dev.usher.itests.ClientConnection.Response;

/**
 * An application bundle built on the fly ({@link TinyBundleFactory}: pax-tinybundles, a DS
 * component, no activator) is installed, served, and {@code update()}d to new versions while
 * clients hold keep-alive connections: no connection is lost, and a request during the swap
 * gets the old or the new application, or a {@code 404} while neither is mounted — never a
 * reset or a closed connection. Without the demo: nothing else is mounted.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BundleUpdateIT extends UsherTestSupport {

    private static final String FOLDER_PROPERTY = "usher.itest.tiny";
    private static final String MOUNT = "/tiny";
    private static final int CLIENTS = 4;

    private Bundle tiny;

    @Configuration
    public Option[] configuration() throws IOException {
        Path folder = Path.of("target", "tiny-bundles").toAbsolutePath();
        TinyBundleFactory.write(folder, MOUNT, "v1", "v2", "v3", "v4");
        return new Option[] {composite(UsherOptions.withoutDemo()),
            systemProperty(FOLDER_PROPERTY).value(folder.toString())};
    }

    @After
    public void uninstallTiny() throws BundleException {
        if (tiny != null && tiny.getState() != Bundle.UNINSTALLED) {
            tiny.uninstall();
        }
    }

    @Test
    public void keepAliveConnectionSurvivesTheUpdateOfItsApplicationsBundle() throws Exception {
        int port = freePort();
        configureDefaultServer("listen", "127.0.0.1:" + port);
        awaitAnswer(port, MOUNT);
        tiny = installAndStart("v1");

        try (ClientConnection connection = ClientConnection.open(port)) {
            Response first = Await.until("the tiny bundle's application at " + MOUNT, () -> {
                Response r = connection.get(MOUNT);
                return r.status() == 404 ? null : r;
            });
            assertAnswer("v1", first);

            long started = System.nanoTime();
            update("v2");
            List<String> between = new ArrayList<>();
            Response answer;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (true) {
                // an IOException here (reset, closed) fails the test: the connection must survive
                answer = connection.get(MOUNT);
                assertTrue("the server must not close the connection: " + answer, !answer.closes());
                if (answer.status() == 200 && answer.text().equals("v2")) {
                    break;
                }
                between.add(answer.status() + " " + answer.text());
                assertTrue("during the swap only v1 or a 404: " + answer, answer.status() == 404
                        || answer.status() == 200 && answer.text().equals("v1"));
                assertTrue("v2 not served within 15 s; answers since the update: " + between,
                        System.nanoTime() < deadline);
            }
            System.out.printf("update to v2 served after %d ms on the same connection; answers in between: %s%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), summary(between));
            assertAnswer("v2", connection.get(MOUNT));
        }
    }

    @Test
    public void updatesUnderLoadLoseNoConnection() throws Exception {
        int port = freePort();
        configureDefaultServer("listen", "127.0.0.1:" + port);
        awaitAnswer(port, MOUNT);
        tiny = installAndStart("v1");
        Await.condition("v1 at " + MOUNT, () -> ClientConnection.get(port, MOUNT).text().equals("v1"));

        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        Map<String, AtomicInteger> answers = new ConcurrentHashMap<>();
        AtomicLong requests = new AtomicLong();
        List<Set<String>> seenPerClient = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(CLIENTS);
        List<Thread> clients = new ArrayList<>();
        Set<String> acceptable = Set.of("200 v1", "200 v2", "200 v3", "200 v4", "404");
        for (int i = 0; i < CLIENTS; i++) {
            Set<String> seen = ConcurrentHashMap.newKeySet();
            seenPerClient.add(seen);
            int client = i;
            Thread thread = new Thread(() -> {
                try (ClientConnection connection = ClientConnection.open(port)) {
                    while (!stop.get()) {
                        Response r = connection.get(MOUNT);
                        requests.incrementAndGet();
                        String key = r.status() == 404 ? "404" : r.status() + " " + r.text();
                        answers.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
                        seen.add(key);
                        if (!acceptable.contains(key)) {
                            failures.add("client " + client + ": unexpected answer " + r);
                        }
                        if (r.closes()) {
                            failures.add("client " + client + ": the server closed the connection: " + r);
                            return;
                        }
                    }
                } catch (Exception e) {
                    failures.add("client " + client + ": " + e);
                } finally {
                    done.countDown();
                }
            }, "tiny-client-" + i);
            thread.start();
            clients.add(thread);
        }
        try {
            Await.condition("every client to be answered v1", () -> !failures.isEmpty()
                    || seenPerClient.stream().allMatch(s -> s.contains("200 v1")));
            for (String version : List.of("v2", "v3", "v4")) {
                seenPerClient.forEach(Set::clear);
                long started = System.nanoTime();
                update(version);
                // every client, on its connection, gets to the new version
                Await.condition("every client to be answered " + version, () -> !failures.isEmpty()
                        || seenPerClient.stream().allMatch(s -> s.contains("200 " + version)));
                System.out.printf("update to %s: every client served it after %d ms%n", version,
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
                assertEquals("failed requests", List.of(), List.copyOf(failures));
            }
        } finally {
            stop.set(true);
            assertTrue("clients stop", done.await(15, TimeUnit.SECONDS));
            for (Thread client : clients) {
                client.join(TimeUnit.SECONDS.toMillis(5));
            }
        }
        System.out.printf("%d requests on %d connections during 3 updates: %s%n", requests.get(), CLIENTS, answers);
        assertEquals("failed or reset requests", List.of(), List.copyOf(failures));
        assertTrue("requests were made throughout", requests.get() >= CLIENTS * 3);
    }

    private Bundle installAndStart(String answer) throws Exception {
        Path jar = jar(answer);
        try (InputStream in = Files.newInputStream(jar)) {
            Bundle bundle = context.installBundle("usher-itest:" + TinyBundleFactory.SYMBOLIC_NAME, in);
            bundle.start();
            return bundle;
        }
    }

    private void update(String answer) throws Exception {
        try (InputStream in = Files.newInputStream(jar(answer))) {
            tiny.update(in);
        }
        assertEquals("the tiny bundle is active again after its update to " + answer, Bundle.ACTIVE,
                tiny.getState());
    }

    private static Path jar(String answer) {
        String folder = System.getProperty(FOLDER_PROPERTY);
        if (folder == null) {
            throw new IllegalStateException("system property " + FOLDER_PROPERTY + " is not set");
        }
        return Path.of(folder, TinyBundleFactory.fileName(answer));
    }

    private static void assertAnswer(String expected, Response response) {
        assertEquals("status of " + response, 200, response.status());
        assertEquals(expected, response.text());
    }

    /** Runs of equal answers, e.g. {@code [3 x 200 v1, 5 x 404]}. */
    private static String summary(List<String> answers) {
        List<String> runs = new ArrayList<>();
        String current = null;
        int count = 0;
        for (String a : answers) {
            if (a.equals(current)) {
                count++;
            } else {
                if (current != null) {
                    runs.add(count + " x " + current);
                }
                current = a;
                count = 1;
            }
        }
        if (current != null) {
            runs.add(count + " x " + current);
        }
        return runs.toString();
    }
}

package dev.usher.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import jakarta.servlet.Filter;
import jakarta.servlet.Servlet;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.tinybundles.InnerClassStrategy;
import org.ops4j.pax.tinybundles.TinyBundle;
import org.ops4j.pax.tinybundles.TinyBundles;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.servlet.context.ServletContextHelper;
import org.osgi.service.servlet.runtime.dto.FilterDTO;
import org.osgi.service.servlet.runtime.dto.RequestInfoDTO;
import org.osgi.service.servlet.runtime.dto.RuntimeDTO;
import org.osgi.service.servlet.runtime.dto.ServletContextDTO;
import org.osgi.service.servlet.runtime.dto.ServletDTO;

import dev.usher.itests.ClientConnection.Response;
import dev.usher.itests.dyn.DynamicsApp;

/**
 * Dynamics of a real servlet application bundle (Compendium 140 on Usher): a bundle built on the
 * fly ({@link Jars}: pax-tinybundles' raw builder, a {@link DynamicsApp} activator registering a
 * context helper, a filter and a servlet, in either order) is started, stopped and updated while
 * clients keep requesting its servlet on keep-alive and new connections. Mounting and unmounting
 * are immediate: the first request after {@code start()} or {@code update()} returns is served
 * by the new life, the first after {@code stop()} returns is a {@code 404}; meanwhile every answer
 * is a whole one of a life or a {@code 404}/{@code 503}, never a {@code 500}, a reset or a
 * closed connection. The servlet registered before or after its context ends in the same
 * served state, and nothing of the bundle's earlier lives stays in the runtime DTO; the
 * container called {@code destroy} once for each {@code init}, and never a servlet or filter
 * outside that life.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class WhiteboardDynamicsIT extends WhiteboardTestSupport {

    private static final String FOLDER_PROPERTY = "usher.itest.dyn";
    private static final String TARGET = DynamicsApp.CONTEXT_PATH + "/hello/x";
    private static final int CYCLES = 20;

    private Bundle app;

    @Configuration
    public Option[] configuration() throws IOException {
        Path folder = Path.of("target", "dyn-bundles").toAbsolutePath();
        Jars.write(folder);
        return new Option[] {composite(UsherOptions.withServletWhiteboard()),
            systemProperty(FOLDER_PROPERTY).value(folder.toString())};
    }

    @Before
    public void resetCounters() {
        DynamicsApp.COUNTERS.forEach(System::clearProperty);
    }

    @After
    public void uninstallApp() throws BundleException {
        if (app != null && app.getState() != Bundle.UNINSTALLED) {
            app.uninstall();
        }
    }

    /** Test 1: 20 stops and starts under load; each one is seen by the very next request. */
    @Test
    public void stopAndStartUnderLoadAreImmediateAndNeverFail() throws Exception {
        app = install("v1", DynamicsApp.CONTEXT_FIRST);
        try (Load load = new Load(Set.of(answer("v1")), 2, 1);
                ClientConnection own = ClientConnection.open(port)) {
            for (int i = 1; i <= CYCLES; i++) {
                app.start();
                assertServed("v1", ClientConnection.get(port, TARGET), "new connection, right after start " + i);
                assertServed("v1", own.get(TARGET), "keep-alive connection, right after start " + i);
                load.awaitRound("start " + i);
                assertServedState();

                app.stop();
                assertStatus(404, ClientConnection.get(port, TARGET), "new connection, right after stop " + i);
                assertStatus(404, own.get(TARGET), "keep-alive connection, right after stop " + i);
                load.awaitRound("stop " + i);
            }
            load.finish();
            load.assertSaw("200 " + answer("v1"), "404");
        }
        assertGone();
        assertLives(CYCLES);
    }

    /** Test 2: updates to a version answering differently, under load; the new one answers at once. */
    @Test
    public void updateUnderLoadAnswersTheNewVersionAtOnce() throws Exception {
        app = install("v1", DynamicsApp.CONTEXT_FIRST);
        app.start();
        assertServed("v1", get(TARGET), "after the first start");
        int lives = 1;
        // each update also flips the order the pieces are registered in
        List<String[]> versions = List.of(new String[] {"v2", DynamicsApp.SERVLET_FIRST},
                new String[] {"v1", DynamicsApp.CONTEXT_FIRST}, new String[] {"v2", DynamicsApp.CONTEXT_FIRST},
                new String[] {"v1", DynamicsApp.SERVLET_FIRST}, new String[] {"v2", DynamicsApp.SERVLET_FIRST},
                new String[] {"v1", DynamicsApp.CONTEXT_FIRST});
        try (Load load = new Load(Set.of(answer("v1"), answer("v2")), 2, 1);
                ClientConnection own = ClientConnection.open(port)) {
            load.awaitRound("the first life");
            for (String[] version : versions) {
                String what = version[0] + " " + version[1];
                update(version[0], version[1]);
                lives++;
                assertEquals("active again after the update to " + what, Bundle.ACTIVE, app.getState());
                assertServed(version[0], ClientConnection.get(port, TARGET), "new connection, right after update to " + what);
                assertServed(version[0], own.get(TARGET), "keep-alive connection, right after update to " + what);
                load.awaitRound("update to " + what);
                assertServedState();
            }
            load.finish();
            load.assertSaw("200 " + answer("v1"), "200 " + answer("v2"));
        }
        assertServedState();
        app.stop();
        assertStatus(404, get(TARGET), "right after the last stop");
        assertGone();
        assertLives(lives);
    }

    /**
     * A request inside the servlet (and so inside the filter) when its bundle stops, in either
     * order, is answered whole: neither the servlet nor the filter is destroyed while it runs,
     * and both are destroyed once it is done. New requests meanwhile get a 404.
     */
    @Test
    public void aRequestInFlightWhenItsBundleStopsIsAnsweredWhole() throws Exception {
        app = install("v1", DynamicsApp.CONTEXT_FIRST);
        int lives = 0;
        for (String order : List.of(DynamicsApp.CONTEXT_FIRST, DynamicsApp.SERVLET_FIRST)) {
            update("v1", order);
            app.start();
            lives++;
            assertServed("v1", get(TARGET), order + ": started");
            int held = DynamicsApp.counted(DynamicsApp.HELD);
            CountDownLatch gate = new CountDownLatch(1);
            ServiceRegistration<CountDownLatch> gateRegistration = register(CountDownLatch.class, gate, props());
            try (ClientConnection inFlight = ClientConnection.open(port)) {
                inFlight.send("GET", TARGET + "?hold", Map.of(), new byte[0]);
                Await.condition(order + ": the request in the servlet", () -> DynamicsApp.counted(DynamicsApp.HELD) > held);

                // the bundle stops while the request waits in the servlet, inside the filter
                ConcurrentLinkedQueue<Throwable> stopFailed = new ConcurrentLinkedQueue<>();
                Thread stopping = new Thread(() -> {
                    try {
                        app.stop();
                    } catch (Throwable e) {
                        stopFailed.add(e);
                    }
                }, "dyn-stop");
                stopping.start();
                try {
                    await(TARGET, 404);
                    assertEquals(order + ": no servlet destroy while the request runs " + counters(), lives - 1,
                            DynamicsApp.counted(DynamicsApp.SERVLET_DESTROY));
                    assertEquals(order + ": no filter destroy while the request runs " + counters(), lives - 1,
                            DynamicsApp.counted(DynamicsApp.FILTER_DESTROY));
                    gate.countDown();
                    Response response = inFlight.readResponse();
                    assertEquals(order + ": the request in flight " + response + " " + counters(), 200,
                            response.status());
                    assertEquals(order + ": the request in flight", answer("v1") + " held", response.text());
                } finally {
                    gate.countDown();
                    stopping.join(TimeUnit.SECONDS.toMillis(15));
                }
                assertFalse(order + ": stop() returned", stopping.isAlive());
                assertEquals(order + ": stop() failed", List.of(), List.copyOf(stopFailed));
            } finally {
                gateRegistration.unregister();
            }
            assertStatus(404, get(TARGET), order + ": stopped");
            assertGone();
            assertLives(lives);
        }
    }

    /** Test 3: the servlet before its context, or the context before the servlet: one served state. */
    @Test
    public void orderOfContextAndServletDoesNotMatter() throws Exception {
        app = install("v1", DynamicsApp.CONTEXT_FIRST);
        app.start();
        String contextFirst = servedState();
        app.stop();
        assertGone();

        update("v1", DynamicsApp.SERVLET_FIRST);
        assertTrue("an update of a stopped bundle leaves it stopped: " + app.getState(),
                (app.getState() & (Bundle.INSTALLED | Bundle.RESOLVED)) != 0);
        assertStatus(404, get(TARGET), "still stopped");
        app.start();
        String servletFirst = servedState();
        assertEquals("the servlet registered before its context", contextFirst, servletFirst);

        // and while it runs: from servlet-first to context-first, and back
        update("v1", DynamicsApp.CONTEXT_FIRST);
        assertEquals("updated from servlet-first to context-first", contextFirst, servedState());
        update("v1", DynamicsApp.SERVLET_FIRST);
        assertEquals("updated from context-first to servlet-first", contextFirst, servedState());
        System.out.println("served state in both orders: " + contextFirst);

        app.uninstall();
        assertStatus(404, get(TARGET), "right after uninstall");
        assertGone();
        assertLives(4);
    }

    /** Test 4: lives come and go in both orders; the runtime DTO only ever shows the current one. */
    @Test
    public void runtimeKeepsNothingOfEarlierLives() throws Exception {
        app = install("v1", DynamicsApp.CONTEXT_FIRST);
        String[][] versions = {{"v1", DynamicsApp.CONTEXT_FIRST}, {"v2", DynamicsApp.SERVLET_FIRST},
            {"v2", DynamicsApp.CONTEXT_FIRST}, {"v1", DynamicsApp.SERVLET_FIRST}};
        int lives = 0;
        for (int i = 0; i < 8; i++) {
            app.start();
            lives++;
            assertServedState();
            app.stop();
            assertGone();
            assertLives(lives);
            String[] next = versions[(i + 1) % versions.length];
            update(next[0], next[1]);
        }
        app.start();
        lives++;
        for (String[] version : versions) {
            update(version[0], version[1]);
            lives++;
            assertServedState();
            assertEquals("one servlet, one filter alive", lives - 1, DynamicsApp.counted(DynamicsApp.SERVLET_DESTROY));
        }
        app.uninstall();
        assertGone();
        assertLives(lives);
    }

    // ---- the application bundle

    private Bundle install(String answer, String order) throws Exception {
        try (InputStream in = Files.newInputStream(jar(folder(), answer, order))) {
            return context.installBundle("usher-itest:" + Jars.SYMBOLIC_NAME, in);
        }
    }

    private void update(String answer, String order) throws Exception {
        try (InputStream in = Files.newInputStream(jar(folder(), answer, order))) {
            app.update(in);
        }
    }

    private static Path folder() {
        String folder = System.getProperty(FOLDER_PROPERTY);
        if (folder == null) {
            throw new IllegalStateException("system property " + FOLDER_PROPERTY + " is not set");
        }
        return Path.of(folder);
    }

    /** The file {@link Jars} writes the version answering {@code answer} in {@code order} to. */
    static Path jar(Path folder, String answer, String order) {
        return folder.resolve("dyn-" + answer + "-" + order + ".jar");
    }

    /** The whole answer of a life: its servlet, behind its filter and its context's helper. */
    private static String answer(String version) {
        return version + " cp=" + DynamicsApp.CONTEXT_PATH + " filter=" + version + " helper=" + version;
    }

    private static void assertServed(String version, Response response, String when) {
        assertEquals(when + ": " + response, 200, response.status());
        assertEquals(when, answer(version), response.text());
    }

    private static void assertStatus(int status, Response response, String when) {
        assertEquals(when + ": " + response, status, response.status());
    }

    // ---- the runtime DTO and the counters

    /**
     * While the bundle is active: no failure anywhere, one context {@code dyn}, one servlet and
     * one filter of that name in the whole runtime, and they are the services the bundle has
     * registered now; the servlet and the filter have one {@code init} more than {@code destroy}.
     */
    private void assertServedState() {
        RuntimeDTO dto = runtime.getRuntimeDTO();
        assertNoFailures(dto);
        List<ServletContextDTO> contexts = contextsNamed(dto, DynamicsApp.CONTEXT);
        assertEquals("one context " + DynamicsApp.CONTEXT, 1, contexts.size());
        ServletContextDTO dyn = contexts.get(0);
        assertEquals(DynamicsApp.CONTEXT_PATH, dyn.contextPath);
        assertEquals("the context is the current life's", serviceId(ServletContextHelper.class), dyn.serviceId);
        List<ServletDTO> servlets = servletsNamed(dto, DynamicsApp.SERVLET_NAME);
        assertEquals("one servlet " + DynamicsApp.SERVLET_NAME + " in the whole runtime", 1, servlets.size());
        assertEquals("the servlet is the current life's", serviceId(Servlet.class), servlets.get(0).serviceId);
        assertEquals("in its context", dyn.serviceId, servlets.get(0).servletContextId);
        List<FilterDTO> filters = filtersNamed(dto, DynamicsApp.FILTER_NAME);
        assertEquals("one filter " + DynamicsApp.FILTER_NAME + " in the whole runtime", 1, filters.size());
        assertEquals("the filter is the current life's", serviceId(Filter.class), filters.get(0).serviceId);
        assertEquals("servlet init - destroy", 1, DynamicsApp.counted(DynamicsApp.SERVLET_INIT)
                - DynamicsApp.counted(DynamicsApp.SERVLET_DESTROY));
        assertEquals("filter init - destroy", 1, DynamicsApp.counted(DynamicsApp.FILTER_INIT)
                - DynamicsApp.counted(DynamicsApp.FILTER_DESTROY));
        assertNoCallOutsideALife();
    }

    /** While the bundle is not active: nothing of it in the runtime DTO, and no failure either. */
    private void assertGone() {
        RuntimeDTO dto = runtime.getRuntimeDTO();
        assertNoFailures(dto);
        assertEquals("no context " + DynamicsApp.CONTEXT, List.of(), contextsNamed(dto, DynamicsApp.CONTEXT));
        assertEquals("no servlet " + DynamicsApp.SERVLET_NAME, List.of(), servletsNamed(dto, DynamicsApp.SERVLET_NAME));
        assertEquals("no filter " + DynamicsApp.FILTER_NAME, List.of(), filtersNamed(dto, DynamicsApp.FILTER_NAME));
    }

    /** {@code lives} servlets and filters were initialised, and each was destroyed once. */
    private static void assertLives(int lives) {
        Map<String, Integer> counted = counters();
        System.out.println("after " + lives + " lives: " + counted);
        assertEquals("servlet init " + counted, lives, DynamicsApp.counted(DynamicsApp.SERVLET_INIT));
        assertEquals("servlet destroy " + counted, lives, DynamicsApp.counted(DynamicsApp.SERVLET_DESTROY));
        assertEquals("filter init " + counted, lives, DynamicsApp.counted(DynamicsApp.FILTER_INIT));
        assertEquals("filter destroy " + counted, lives, DynamicsApp.counted(DynamicsApp.FILTER_DESTROY));
        assertNoCallOutsideALife();
    }

    private static void assertNoCallOutsideALife() {
        assertEquals("calls before init or after destroy " + counters(), 0,
                DynamicsApp.counted(DynamicsApp.OUTSIDE_LIFE));
        assertEquals("destroy while a call ran " + counters(), 0, DynamicsApp.counted(DynamicsApp.DESTROYED_IN_CALL));
    }

    private static Map<String, Integer> counters() {
        Map<String, Integer> counted = new TreeMap<>();
        DynamicsApp.COUNTERS.forEach(name -> counted.put(name.substring(name.lastIndexOf(".dyn.") + 5),
                DynamicsApp.counted(name)));
        return counted;
    }

    private static void assertNoFailures(RuntimeDTO dto) {
        String failures = Stream.of(dto.failedServletContextDTOs, dto.failedServletDTOs, dto.failedFilterDTOs,
                dto.failedResourceDTOs, dto.failedErrorPageDTOs, dto.failedListenerDTOs, dto.failedPreprocessorDTOs)
                .flatMap(Arrays::stream)
                .map(WhiteboardDynamicsIT::describeFailure)
                .collect(Collectors.joining(", "));
        assertEquals("failed DTOs", "", failures);
    }

    private static String describeFailure(Object failed) {
        try {
            return failed.getClass().getSimpleName() + " service " + failed.getClass().getField("serviceId").get(failed)
                    + " reason " + failed.getClass().getField("failureReason").get(failed);
        } catch (ReflectiveOperationException e) {
            return failed.toString();
        }
    }

    private static List<ServletContextDTO> contextsNamed(RuntimeDTO dto, String name) {
        return Arrays.stream(dto.servletContextDTOs).filter(c -> c.name.equals(name)).toList();
    }

    private static List<ServletDTO> servletsNamed(RuntimeDTO dto, String name) {
        return Arrays.stream(dto.servletContextDTOs).flatMap(c -> Arrays.stream(c.servletDTOs))
                .filter(s -> name.equals(s.name)).toList();
    }

    private static List<FilterDTO> filtersNamed(RuntimeDTO dto, String name) {
        return Arrays.stream(dto.servletContextDTOs).flatMap(c -> Arrays.stream(c.filterDTOs))
                .filter(f -> name.equals(f.name)).toList();
    }

    /** The service id of the one service of {@code type} the application bundle has registered now. */
    private long serviceId(Class<?> type) {
        ServiceReference<?>[] registered = app.getRegisteredServices();
        assertNotNull("the application's services", registered);
        List<Long> ids = Arrays.stream(registered)
                .filter(r -> Arrays.asList((String[]) r.getProperty(Constants.OBJECTCLASS)).contains(type.getName()))
                .map(r -> (Long) r.getProperty(Constants.SERVICE_ID)).toList();
        assertEquals("the application's " + type.getSimpleName() + " services", 1, ids.size());
        return ids.get(0);
    }

    /**
     * What is served, by names and not by service ids (which every life renews): the answer,
     * the context, its servlets and filters with their patterns, what a request is dispatched
     * to, and that nothing failed. Asserts the life's DTOs are the current ones.
     */
    private String servedState() throws IOException {
        assertServedState();
        Response response = get(TARGET);
        RuntimeDTO dto = runtime.getRuntimeDTO();
        ServletContextDTO dyn = contextsNamed(dto, DynamicsApp.CONTEXT).get(0);
        RequestInfoDTO info = runtime.calculateRequestInfoDTO(TARGET);
        return response.status() + " " + response.text()
                + " | context " + dyn.name + " at " + dyn.contextPath
                + " servlets " + Arrays.stream(dyn.servletDTOs).map(s -> s.name + Arrays.toString(s.patterns)).sorted().toList()
                + " filters " + Arrays.stream(dyn.filterDTOs).map(f -> f.name + Arrays.toString(f.patterns)).sorted().toList()
                + " | request to " + (info.servletDTO == null ? null : info.servletDTO.name) + " through "
                + Arrays.stream(info.filterDTOs).map(f -> f.name).toList()
                + " in " + (info.servletContextId == dyn.serviceId ? "its context" : "context " + info.servletContextId);
    }

    // ---- the client load

    /**
     * Clients requesting {@link #TARGET} until {@link #finish}: some on one keep-alive connection
     * each, some on a new connection per request. An answer is acceptable when it is a
     * {@code 404} or a {@code 503}, or a {@code 200} with one of the whole answers given; anything
     * else, an I/O error or a connection the server closes is a failure.
     */
    private final class Load implements AutoCloseable {
        private final Set<String> answers;
        private final AtomicBoolean stop = new AtomicBoolean();
        private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        private final Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
        private final List<AtomicLong> progress = new ArrayList<>();
        private final List<Thread> threads = new ArrayList<>();
        private final long started = System.nanoTime();

        Load(Set<String> answers, int keepAlive, int fresh) {
            this.answers = answers;
            for (int i = 0; i < keepAlive + fresh; i++) {
                boolean reuse = i < keepAlive;
                String name = (reuse ? "keep-alive-" : "new-connections-") + i;
                AtomicLong count = new AtomicLong();
                progress.add(count);
                Thread thread = new Thread(() -> run(name, reuse, count), "dyn-client-" + name);
                threads.add(thread);
            }
            threads.forEach(Thread::start);
        }

        private void run(String name, boolean reuse, AtomicLong count) {
            ClientConnection connection = null;
            try {
                while (!stop.get()) {
                    Response response;
                    if (reuse) {
                        if (connection == null) {
                            connection = ClientConnection.open(port);
                        }
                        response = connection.get(TARGET);
                    } else {
                        response = ClientConnection.get(port, TARGET);
                    }
                    String key = response.status() == 200 ? "200 " + response.text() : Integer.toString(response.status());
                    seen.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
                    boolean acceptable = response.status() == 404 || response.status() == 503
                            || response.status() == 200 && answers.contains(response.text());
                    if (!acceptable) {
                        failures.add(name + ": unacceptable answer " + response);
                    }
                    if (reuse && response.closes()) {
                        failures.add(name + ": the server closed the connection after " + response);
                        return;
                    }
                    count.incrementAndGet();
                }
            } catch (IOException | RuntimeException e) {
                failures.add(name + ": " + e);
            } finally {
                if (connection != null) {
                    try {
                        connection.close();
                    } catch (IOException e) {
                        // the client is done either way
                    }
                }
            }
        }

        /** Waits until every client has had an answer since this call (or one failed), then asserts none failed. */
        void awaitRound(String when) {
            long[] from = progress.stream().mapToLong(AtomicLong::get).toArray();
            Await.condition("every client answered after " + when, () -> {
                if (!failures.isEmpty()) {
                    return true;
                }
                for (int i = 0; i < from.length; i++) {
                    if (progress.get(i).get() <= from[i]) {
                        return false;
                    }
                }
                return true;
            });
            assertEquals("failed requests by " + when, List.of(), List.copyOf(failures));
        }

        /** Stops the clients, waits for them, reports what they saw and asserts none failed. */
        void finish() throws InterruptedException {
            close();
            long total = progress.stream().mapToLong(AtomicLong::get).sum();
            System.out.printf("%d requests by %d clients in %d ms: %s%n", total, threads.size(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), new TreeMap<>(seen));
            assertEquals("failed requests", List.of(), List.copyOf(failures));
        }

        /** Every client saw each of {@code keys} at least once in all (the load overlapped the changes). */
        void assertSaw(String... keys) {
            for (String key : keys) {
                assertTrue("the clients were answered " + key + ": " + seen, seen.containsKey(key));
            }
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            for (Thread thread : threads) {
                thread.join(TimeUnit.SECONDS.toMillis(15));
            }
            for (Thread thread : threads) {
                assertFalse(thread.getName() + " still runs", thread.isAlive());
            }
        }
    }

    /**
     * Builds, where the container is configured (the driver side, where tinybundles is on the
     * class path), the versions of the application bundle: {@link DynamicsApp} and its nested
     * classes, its activator, and its answer and order headers. Only the driver loads this class.
     */
    static final class Jars {

        static final String SYMBOLIC_NAME = "dev.usher.itests.dyn";
        private static final List<String> ANSWERS = List.of("v1", "v2");
        private static final List<String> ORDERS = List.of(DynamicsApp.CONTEXT_FIRST, DynamicsApp.SERVLET_FIRST);

        private Jars() {
        }

        /** Writes {@code dyn-ANSWER-ORDER.jar} for each answer and order, each its own version. */
        static void write(Path folder) throws IOException {
            Files.createDirectories(folder);
            int micro = 0;
            for (String answer : ANSWERS) {
                for (String order : ORDERS) {
                    TinyBundle bundle = TinyBundles.bundle()
                            .setHeader("Bundle-ManifestVersion", "2")
                            .symbolicName(SYMBOLIC_NAME)
                            .setHeader("Bundle-Version", "1.0." + ++micro)
                            .setHeader("Bundle-Activator", DynamicsApp.class.getName())
                            .setHeader("Import-Package", "jakarta.servlet,jakarta.servlet.http,org.osgi.framework,"
                                    + "org.osgi.service.servlet.context")
                            .setHeader(DynamicsApp.ANSWER_HEADER, answer)
                            .setHeader(DynamicsApp.ORDER_HEADER, order);
                    for (Class<?> type : DynamicsApp.CLASSES) {
                        bundle.addClass(type, InnerClassStrategy.NONE);
                    }
                    try (InputStream jar = bundle.build(TinyBundles.rawBuilder())) {
                        Files.copy(jar, jar(folder, answer, order), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        }
    }
}

package dev.usher.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import dev.usher.itests.ClientConnection.Response;

/**
 * The status bundle in Felix with real Config Admin and Gogo: nothing is served until PID
 * {@code dev.usher.status} is configured; then the page, its JSON, the metrics and the health
 * check are served at the configured mount, to the allowed clients only, and follow changes of
 * the configuration live. The {@code usher:*} commands print what the servers are doing.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class StatusIT extends UsherTestSupport {

    private static final String STATUS_PID = "dev.usher.status";

    @Inject
    private CommandProcessor shell;

    @Configuration
    public Option[] configuration() {
        return UsherOptions.withStatus();
    }

    private org.osgi.service.cm.Configuration status(String... keysAndValues) throws Exception {
        org.osgi.service.cm.Configuration configuration = configAdmin.getConfiguration(STATUS_PID, "?");
        configuration.update(properties(keysAndValues));
        return configuration;
    }

    @Test
    public void offUntilConfiguredThenServedToAllowedClientsAndLive() throws Exception {
        int port = freePort();
        configureDefaultServer("listen", "127.0.0.1:" + port);
        registerApplication(answering("app"), "/app", null);
        awaitAnswer(port, "/app");
        assertEquals("nothing is mounted at the status's default mount", 404,
                ClientConnection.get(port, "/usher/json").status());

        org.osgi.service.cm.Configuration configuration = status("mount", "/ops");
        try {
            Response json = Await.until("the status's JSON", () -> {
                Response r = ClientConnection.get(port, "/ops/json");
                return r.status() == 200 ? r : null;
            });
            assertEquals("application/json", json.header("content-type"));
            assertContains(json.text(), "\"name\":\"default\"");
            assertContains(json.text(), "\"listeners\":[\"http://127.0.0.1:" + port + "\"]");
            assertContains(json.text(), "\"prefix\":\"/app\"");

            Response page = ClientConnection.get(port, "/ops");
            assertEquals(200, page.status());
            assertContains(page.header("content-type"), "text/html");
            assertContains(page.text(), "data-base=\"/ops\"");
            assertEquals("no-store", page.header("cache-control"));

            Response metrics = ClientConnection.get(port, "/ops/metrics");
            assertEquals("text/plain; version=0.0.4; charset=utf-8", metrics.header("content-type"));
            assertContains(metrics.text(), "usher_requests_total{server=\"default\",mount=\"/app\",class=\"2xx\"} ");
            assertContains(metrics.text(), "usher_connections{server=\"default\",phase=\"idle\"} ");

            Response health = ClientConnection.get(port, "/ops/health");
            assertEquals(200, health.status());
            assertEquals("{\"status\":\"serving\",\"servers\":[\"default\"]}", health.text());
            assertEquals(404, ClientConnection.get(port, "/ops/other").status());

            // a loopback client is not among the allowed: the status is gone for it, the rest stays
            configuration.update(properties("mount", "/ops", "allow_ips", "10.0.0.0/8"));
            Await.condition("the status to refuse loopback clients",
                    () -> ClientConnection.get(port, "/ops/json").status() == 404);
            assertEquals(200, ClientConnection.get(port, "/app").status());

            configuration.update(properties("mount", "ops", "allow_ips", "127.0.0.1"));
            log.await("Configuration dev.usher.status: mount", java.time.Duration.ofSeconds(15));
            assertEquals(404, ClientConnection.get(port, "/ops/json").status());

            configuration.update(properties("mount", "/status", "allow_ips", "127.0.0.1"));
            Await.condition("the status at its new mount",
                    () -> ClientConnection.get(port, "/status/health").status() == 200);
        } finally {
            configuration.delete();
        }
        Await.condition("the status to be gone with its configuration",
                () -> ClientConnection.get(port, "/status/health").status() == 404);
    }

    @Test
    public void serverLimitsTheStatusToTheNamedServers() throws Exception {
        int port = freePort();
        int opsPort = freePort();
        configureDefaultServer("listen", "127.0.0.1:" + port);
        configureNamedServer("ops", "listen", "127.0.0.1:" + opsPort);
        registerApplication(answering("app"), "/app", null);
        awaitAnswer(port, "/app");
        awaitAnswer(opsPort, "/app");
        org.osgi.service.cm.Configuration configuration = status("server", "ops");
        try {
            Response json = Await.until("the status on the ops server", () -> {
                Response r = ClientConnection.get(opsPort, "/usher/json");
                return r.status() == 200 ? r : null;
            });
            // it shows every server, wherever it is served
            assertContains(json.text(), "\"name\":\"default\"");
            assertContains(json.text(), "\"name\":\"ops\"");
            assertEquals("not on the default server", 404, ClientConnection.get(port, "/usher/json").status());
        } finally {
            configuration.delete();
        }
    }

    @Test
    public void theShellCommandsPrintAlignedTablesOfWhatRuns() throws Exception {
        int port = freePort();
        configureDefaultServer("listen", "127.0.0.1:" + port);
        configureNamedServer("admin", "listen", "127.0.0.1:" + freePort());
        registerApplication(answering("app"), "/app", null);
        awaitAnswer(port, "/app");
        try (ClientConnection kept = ClientConnection.open(port)) {
            assertEquals(200, kept.get("/app").status());

            String servers = run("usher:servers");
            List<String> lines = servers.lines().toList();
            assertTrue(servers, lines.get(0).startsWith("Name "));
            assertTrue(servers, lines.stream().anyMatch(l -> l.startsWith("admin ")));
            String defaultRow = lines.stream().filter(l -> l.startsWith("default ")).findFirst().orElseThrow();
            assertContains(defaultRow, "http://127.0.0.1:" + port);
            assertEquals("the separators line up", lines.get(0).indexOf('│'), defaultRow.indexOf('│'));

            String connections = run("usher:connections");
            assertContains(connections, "127.0.0.1:" + kept.localPort());
            String keptRow = connections.lines().filter(l -> l.contains("127.0.0.1:" + kept.localPort()))
                    .findFirst().orElseThrow();
            assertContains(keptRow, "idle");
            assertContains(keptRow, "plain");

            String mounts = run("usher:mounts");
            assertTrue(mounts, mounts.lines().anyMatch(l -> l.startsWith("default ") && l.contains("/app")));
            assertTrue(mounts, mounts.lines().anyMatch(l -> l.startsWith("admin ") && l.contains("/app")));

            String stats = run("usher:stats");
            assertContains(stats.lines().findFirst().orElseThrow(), "Requests");
            String statsRow = stats.lines().filter(l -> l.startsWith("default ")).findFirst().orElseThrow();
            assertTrue(statsRow, statsRow.matches("default +│ +[1-9][0-9]* │.*"));
        }
    }

    /** Runs {@code command} in a Gogo session and returns what it printed. */
    private String run(String command) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        CommandSession session = shell.createSession(new ByteArrayInputStream(new byte[0]), print, print);
        try {
            session.execute(command);
        } finally {
            session.close();
        }
        print.flush();
        return out.toString(StandardCharsets.UTF_8);
    }
}

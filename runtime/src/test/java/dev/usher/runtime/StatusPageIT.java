package dev.usher.runtime;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The status page of a real {@code usher.jar} in a real browser (Debian's headless chromium,
 * driven through its chromedriver), and the metrics of the same server read by the Prometheus
 * project's own parser. The page must show the server's figures and keep them current by
 * itself: requests made after it loaded appear without a reload.
 */
class StatusPageIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path directory;

    private int start() throws IOException {
        int port = UsherRun.freePort();
        Path etc = Files.createDirectories(directory.resolve("etc"));
        Files.writeString(etc.resolve("dev.usher.server.cfg"), "listen=127.0.0.1:" + port + "\n");
        Files.writeString(etc.resolve("dev.usher.status.cfg"), "mount=/usher\n");
        return port;
    }

    @Test
    void thePageShowsTheFiguresAndUpdatesThemWithoutAReload() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "chromium and chromium-driver are not installed");
        int port = start();
        try (UsherRun usher = UsherRun.start(directory).awaitServing()) {
            usher.poll("the status", UsherRun.STARTUP, () -> answers(port, "/usher/health") == 200);
            ChromeOptions options = new ChromeOptions();
            options.setBinary(CHROMIUM.toFile());
            // --no-sandbox: CI runs as root, where chromium's sandbox cannot start
            options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--user-data-dir=" + directory.resolve("chromium"));
            ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                    .usingAnyFreePort().build();
            WebDriver browser = new ChromeDriver(service, options);
            try {
                browser.get("http://127.0.0.1:" + port + "/usher");
                WebDriverWait wait = new WebDriverWait(browser, WAIT);
                WebElement server = wait.until(b -> b.findElement(By.cssSelector("section[data-server='default']")));
                assertTrue(server.getText().contains("http://127.0.0.1:" + port), server.getText());
                assertTrue(server.getText().contains("dev.usher.demo.Hello"), "the mounts: " + server.getText());
                assertTrue(server.getText().contains("usher-default-io-0"), "the loops: " + server.getText());
                assertTrue(server.getText().contains("Idle keep-alive"), "the phases: " + server.getText());
                long before = number(field(browser, "requests-total"));
                String uptime = field(browser, "uptime");

                for (int i = 0; i < 25; i++) {
                    assertEquals(200, answers(port, "/"));
                }
                // the page loads the JSON every two seconds: the new requests appear without a reload
                wait.until(b -> number(field(b, "requests-total")) >= before + 25);
                wait.until(b -> !field(b, "uptime").equals(uptime));
                assertTrue(number(field(browser, "bytes-out")) > 0, field(browser, "bytes-out"));
                assertTrue(field(browser, "classes").contains("2xx"), field(browser, "classes"));
                assertEquals("", browser.findElement(By.id("error")).getText(), "no error loading the JSON");
                assertEquals("Usher status", browser.getTitle());
            } finally {
                browser.quit();
            }
        }
    }

    @Test
    void theMetricsOfARunningServerParseWithPrometheusOwnParser() throws Exception {
        Path python = Path.of("/usr/bin/python3");
        Assumptions.assumeTrue(Files.isExecutable(python) && python(python, "import prometheus_client", "") == 0,
                "python3-prometheus-client is not installed");
        int port = start();
        try (UsherRun usher = UsherRun.start(directory).awaitServing()) {
            usher.poll("the status", UsherRun.STARTUP, () -> answers(port, "/usher/health") == 200);
            for (int i = 0; i < 5; i++) {
                assertEquals(200, answers(port, "/"));
            }
            // a task adds its requests as it ends, which may be just after its client read the answer
            usher.poll("the five requests counted", Duration.ofSeconds(10), () -> {
                try (HttpConnection connection = HttpConnection.tcp("127.0.0.1", port, 10_000)) {
                    return connection.get("/usher/metrics").body()
                            .contains("usher_requests_total{server=\"default\",mount=\"/\",class=\"2xx\"} 5\n");
                } catch (IOException e) {
                    return false;
                }
            });
            String metrics;
            try (HttpConnection connection = HttpConnection.tcp("127.0.0.1", port, 10_000)) {
                HttpConnection.Response response = connection.get("/usher/metrics");
                assertEquals(200, response.status());
                assertEquals("text/plain; version=0.0.4; charset=utf-8", response.header("content-type"));
                metrics = response.body();
            }
            // the parser reads the whole exposition; the script fails unless the figures are there
            String check = String.join("\n",
                    "import sys",
                    "from prometheus_client.parser import text_string_to_metric_families",
                    "families = {f.name: f for f in text_string_to_metric_families(sys.stdin.read())}",
                    "requests = families['usher_requests']",
                    "assert requests.type == 'counter', requests.type",
                    "hello = [s.value for s in requests.samples if s.labels == "
                            + "{'server': 'default', 'mount': '/', 'class': '2xx'}]",
                    "assert hello == [5.0], hello",
                    "durations = families['usher_request_duration_seconds']",
                    "assert durations.type == 'histogram'",
                    "count = [s.value for s in durations.samples if s.name.endswith('_count')]",
                    "assert count[0] >= 5, count",
                    "phases = {s.labels['phase'] for s in families['usher_connections'].samples}",
                    "assert phases == {'handshake', 'reading_head', 'reading_body', 'queued', 'in_application', "
                            + "'writing', 'idle'}, phases",
                    "for name in ('usher_received_bytes', 'usher_sent_bytes', 'usher_pool_queued', 'usher_refusals', "
                            + "'usher_spills', 'usher_config_changes', 'usher_loop_restarts'):",
                    "    assert name in families, name",
                    "print(len(families))");
            assertEquals(0, python(python, check, metrics), metrics);
        }
    }

    /** The status of {@code GET target} on a new connection; -1 when it cannot connect. */
    private static int answers(int port, String target) {
        try (HttpConnection connection = HttpConnection.tcp("127.0.0.1", port, 10_000)) {
            return connection.get(target).status();
        } catch (IOException e) {
            return -1;
        }
    }

    private static String field(WebDriver browser, String name) {
        return browser.findElement(By.cssSelector("section[data-server='default'] [data-field='" + name + "']"))
                .getText();
    }

    /** The digits of a figure as the page prints it ({@code 1,234}, {@code 5.2 KiB}: only the integral digits). */
    private static long number(String text) {
        String integral = text.split("\\.")[0].replaceAll("[^0-9]", "");
        return integral.isEmpty() ? -1 : Long.parseLong(integral);
    }

    private static int python(Path python, String script, String input) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(python.toString(), "-c", script).redirectErrorStream(true).start();
        try (var in = process.getOutputStream()) {
            in.write(input.getBytes(UTF_8));
        }
        String output = new String(process.getInputStream().readAllBytes(), UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        if (process.exitValue() != 0) {
            System.err.println(output);
        }
        return process.exitValue();
    }
}

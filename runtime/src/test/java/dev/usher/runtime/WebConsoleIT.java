package dev.usher.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The Apache Felix Web Console (5.x, Jakarta Servlet) on Usher's servlet whiteboard in a real
 * {@code usher.jar}, dropped into {@code deploy/} as the README says, driven by Debian's headless
 * chromium: it logs in, opens the bundles page and the configuration page, edits a setting of
 * {@code dev.usher.server} in the form, and the running server applies it.
 */
class WebConsoleIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path directory;

    @Test
    void aBrowserLogsInSeesTheBundlesAndEditsTheServerLive() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "chromium and chromium-driver are not installed");
        int port = UsherRun.freePort();
        Path etc = Files.createDirectories(directory.resolve("etc"));
        Files.writeString(etc.resolve("dev.usher.server.cfg"), "listen=127.0.0.1:" + port + "\n");
        Path deploy = Files.createDirectories(directory.resolve("deploy"));
        Path webconsole = Path.of(System.getProperty("usher.webconsole", "target/webconsole"));
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(webconsole, "*.jar")) {
            for (Path jar : jars) {
                Files.copy(jar, deploy.resolve(jar.getFileName()));
            }
        }
        try (UsherRun usher = UsherRun.start(directory).awaitServing()) {
            usher.poll("the Web Console", UsherRun.STARTUP, () -> status(port, "/system/console/bundles") == 401);
            assertEquals("usher", header(port, "/", "server"), "the server's ident before the edit");
            WebDriver browser = browser();
            try {
                WebDriverWait wait = new WebDriverWait(browser, WAIT);
                // 1. log in: the console asks for HTTP Basic credentials (admin/admin by default)
                browser.get("http://admin:admin@127.0.0.1:" + port + "/system/console/bundles");
                // 2. the bundles page: its table is filled by script from bundles.json
                WebElement table = wait.until(b -> {
                    WebElement t = b.findElement(By.id("plugin_table"));
                    return t.getText().contains("dev.usher.servlet") ? t : null;
                });
                assertTrue(table.getText().contains("dev.usher.dispatcher"), table.getText());
                assertTrue(browser.getTitle().contains("Bundles"), browser.getTitle());
                // 3. the configuration page, and the server's configuration in it
                browser.get("http://127.0.0.1:" + port + "/system/console/configMgr");
                // a configuration's row shows its PID in a span; clicking the name opens its form
                WebElement server = wait.until(b -> b.findElement(
                        By.xpath("//span[@class='pid' and normalize-space()='dev.usher.server']/parent::td")));
                ((JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView(true)", server);
                server.click();
                // 4. edit a setting in its form and save
                WebElement ident = wait.until(b -> {
                    var fields = b.findElements(By.cssSelector("#editor [name='ident']"));
                    return fields.isEmpty() || !fields.get(0).isDisplayed() ? null : fields.get(0);
                });
                ident.clear();
                ident.sendKeys("usher-console");
                WebElement save = browser.findElements(By.cssSelector(".ui-dialog-buttonpane button")).stream()
                        .filter(b -> b.getText().trim().equalsIgnoreCase("Save")).findFirst().orElseThrow();
                save.click();
                // 5. the running server applied it: new responses name the new ident
                usher.poll("the server to apply the edited ident", Duration.ofSeconds(30),
                        () -> "usher-console".equals(header(port, "/", "server")));
            } finally {
                browser.quit();
            }
        }
    }

    private WebDriver browser() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // --no-sandbox: CI runs as root, where chromium's sandbox cannot start
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--user-data-dir=" + directory.resolve("chromium"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    private static int status(int port, String target) {
        try (HttpConnection connection = HttpConnection.tcp("127.0.0.1", port, 10_000)) {
            return connection.get(target).status();
        } catch (IOException e) {
            return -1;
        }
    }

    private static String header(int port, String target, String name) {
        try (HttpConnection connection = HttpConnection.tcp("127.0.0.1", port, 10_000)) {
            return connection.get(target).header(name);
        } catch (IOException e) {
            return null;
        }
    }
}

package dev.usher.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Smoke test of the executable jar: {@code java -jar usher.jar} in an empty directory with an
 * {@code etc/dev.usher.server.cfg}, on a free loopback port, answers {@code Hello, World!},
 * says so on the console, and stops cleanly on SIGTERM.
 */
class UsherJarIT {

    @TempDir
    Path workingDirectory;

    @Test
    void servesHelloOnTheConfiguredPortAndStopsOnSigterm() throws Exception {
        int port = UsherRun.freePort();
        Files.createDirectories(workingDirectory.resolve("etc"));
        Files.writeString(workingDirectory.resolve("etc/dev.usher.server.cfg"), "listen=127.0.0.1:" + port + "\n");
        try (UsherRun usher = UsherRun.start(workingDirectory)) {
            usher.console().await(line -> line.contains("Serving on http://127.0.0.1:" + port), UsherRun.STARTUP);
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            HttpResponse<String> response = client.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), usher.console()::text);
            assertEquals("Hello, World!", response.body().strip(), usher.console()::text);

            usher.signal("TERM");
            assertEquals(0, usher.awaitExit(UsherRun.SHUTDOWN), usher.console()::text);
            // the framework was stopped (every bundle stopped in order), not just the JVM killed
            assertTrue(usher.console().lines().stream().anyMatch(line -> line.contains("Framework stopped in")),
                    usher.console()::text);
            assertFalse(usher.console().lines().stream().anyMatch(line -> line.contains(" ERROR ")),
                    usher.console()::text);
            // deploy/ was missing: created, and said once where FileInstall watches, without its warnings
            assertTrue(Files.isDirectory(workingDirectory.resolve("deploy")));
            assertEquals(1, usher.console().lines().stream().filter(line -> line.contains("Watching "
                    + workingDirectory.resolve("etc") + " for configurations and " + workingDirectory.resolve("deploy")
                    + " for bundles")).count(), usher.console()::text);
            assertFalse(usher.console().lines().stream().anyMatch(line -> line.contains("fileinstall")
                    && line.contains(" WARN ")), usher.console()::text);
        }
    }
}

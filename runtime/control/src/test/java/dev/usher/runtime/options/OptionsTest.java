package dev.usher.runtime.options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Options as framework properties: what the launcher sets, and what the control bundle reads back. */
class OptionsTest {

    @TempDir
    Path directory;

    @Test
    void everyCarriedOptionBecomesAFrameworkProperty() throws Exception {
        Path config = Files.writeString(directory.resolve("u.ini"), "");
        Options options = CommandLine.parse("-c", config.toString(), "-b", "127.0.0.1:8000", "-b", "unix:/tmp/u.sock",
                "-w", "3", "-p", "u.pid", "-m", "027", "-n", "api", "--log-level", "error", "--log-file", "u.log", "-d",
                "--reuse-port", "--access-logfile", "a.log", "--graceful-timeout", "12", "--timeout", "60",
                "-k", "SYNC", directory.toString());
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("usher.config", config.toAbsolutePath().toString());
        expected.put("usher.settings.path", directory.toAbsolutePath().toString());
        expected.put("felix.fileinstall.dir", directory.toAbsolutePath().resolve("etc") + ","
                + directory.toAbsolutePath().resolve("deploy"));
        expected.put("usher.bind", "127.0.0.1:8000 unix:/tmp/u.sock");
        expected.put("usher.workers", "3");
        expected.put("usher.pidfile", Path.of("u.pid").toAbsolutePath().toString());
        expected.put("usher.umask", "0027");
        expected.put("usher.name", "api");
        expected.put("usher.log.level", "ERROR");
        expected.put("org.osgi.service.log.admin.loglevel", "INFO");
        expected.put("usher.log.file", Path.of("u.log").toAbsolutePath().toString());
        expected.put("usher.debug", "true");
        expected.put("usher.reuse_port", "true");
        expected.put("usher.accesslog", Path.of("a.log").toAbsolutePath().toString());
        expected.put("usher.graceful_timeout", "12");
        expected.put("usher.timeout", "60");
        expected.put("usher.worker_class", "sync");
        assertEquals(expected, options.toProperties());
    }

    @Test
    void optionsNotGivenSetNoProperty() {
        assertEquals(Map.of(), Options.NONE.toProperties());
    }

    @Test
    void debugLogsAtDebugUnlessALevelIsGiven() throws UsageException {
        Map<String, String> debug = CommandLine.parse("-d").toProperties();
        assertEquals("DEBUG", debug.get("usher.log.level"));
        assertEquals("DEBUG", debug.get("org.osgi.service.log.admin.loglevel"));
        Map<String, String> quiet = CommandLine.parse("-d", "--log-level", "warning").toProperties();
        assertEquals("WARN", quiet.get("usher.log.level"));
        assertEquals("INFO", quiet.get("org.osgi.service.log.admin.loglevel"));
    }

    @Test
    void theControlBundleReadsBackWhatTheLauncherSet() throws Exception {
        Path config = Files.writeString(directory.resolve("u.ini"), "");
        Options given = CommandLine.parse("-c", config.toString(), "-b", "127.0.0.1:8000", "-b", "unix:/tmp/u.sock",
                "-w", "3", "-p", "u.pid", "-m", "027", "-n", "api", "--log-level", "error", "--log-file", "u.log", "-d",
                "--reuse-port", "--access-logfile", "-", "--graceful-timeout", "12", "--timeout", "60",
                "--worker-class", "sync", directory.toString());
        Map<String, String> properties = given.toProperties();
        Options read = Options.fromProperties(properties::get);
        assertEquals(config.toAbsolutePath(), read.config());
        assertEquals(directory.toAbsolutePath(), read.settingsPath());
        assertEquals(List.of("127.0.0.1:8000", "unix:/tmp/u.sock"), read.binds());
        assertEquals(3, read.workers());
        assertEquals(Path.of("u.pid").toAbsolutePath(), read.pidFile());
        assertEquals(027, read.umask());
        assertEquals("api", read.name());
        assertEquals("ERROR", read.logLevel());
        assertEquals("sync", read.workerClass());
        assertEquals(Path.of("u.log").toAbsolutePath().toString(), read.logFile());
        assertEquals(true, read.debug());
        assertEquals(true, read.reusePort());
        assertEquals("-", read.accessLogFile());
        assertEquals(12, read.gracefulTimeout());
        assertEquals(60, read.timeout());
    }

    @Test
    void aBadFrameworkPropertyIsNamed() {
        UsageException e = assertThrows(UsageException.class,
                () -> Options.fromProperties(Map.of("usher.workers", "lots")::get));
        assertEquals("option usher.workers: not a whole number: 'lots'", e.getMessage());
    }
}

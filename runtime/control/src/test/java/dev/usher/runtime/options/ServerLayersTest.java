package dev.usher.runtime.options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.usher.config.Adjustments;

/** What each option becomes in each server's configuration, and which layer wins. */
class ServerLayersTest {

    private static final String DEFAULT = "dev.usher.server";
    private static final String ADMIN = "dev.usher.server~admin";

    @Test
    void withoutOptionsTheRuntimeOnlyLogsAccess() {
        ServerLayers layers = new ServerLayers(Options.NONE, SettingsFile.EMPTY);
        assertEquals(Map.of("accesslog", "log"), layers.effective(DEFAULT, Map.of(), null));
        assertEquals(Set.of(), layers.pids());
    }

    @Test
    void optionsForEveryServer() throws UsageException {
        ServerLayers layers = layers("-w", "3", "--reuse-port", "--access-logfile", "-", "--graceful-timeout", "12",
                "--timeout", "60");
        Map<String, Object> expected = Map.of("workers", 3, "reuse_port", true, "accesslog", "-",
                "graceful_timeout", 12, "timeout", 60);
        assertEquals(expected, layers.effective(DEFAULT, Map.of(), null));
        assertEquals(expected, layers.effective(ADMIN, Map.of(), null));
    }

    @Test
    void debugIsOneWorkerAndTracebacksUnlessWorkersAreGiven() throws UsageException {
        assertEquals(Map.of("workers", 1, "expose_tracebacks", true, "accesslog", "log"),
                layers("-d").effective(DEFAULT, Map.of(), null));
        assertEquals(4, layers("-d", "-w", "4").effective(DEFAULT, Map.of(), null).get("workers"));
    }

    @Test
    void bindsBecomeTheDefaultServersListen() throws UsageException {
        ServerLayers layers = layers("-b", "127.0.0.1:8000", "-b", "[::1]:8001", "-b", "*:8002");
        assertEquals("127.0.0.1:8000 [::1]:8001 *:8002", layers.effective(DEFAULT, Map.of(), null).get("listen"));
        assertNull(layers.effective(ADMIN, Map.of("listen", "127.0.0.1:9000"), null).get("unix_socket"));
        assertEquals("127.0.0.1:9000", layers.effective(ADMIN, Map.of("listen", "127.0.0.1:9000"), null).get("listen"));
        assertEquals(Set.of(DEFAULT), layers.pids());
    }

    @Test
    void aBindReplacesEveryAddressSettingBelowIt() throws UsageException {
        Map<String, Object> stored = Map.of("host", "0.0.0.0", "port", "9000", "threads", "8",
                "felix.fileinstall.filename", "file:/etc/dev.usher.server.cfg", "service.pid", DEFAULT);
        Map<String, Object> effective = layers("-b", "127.0.0.1:8000").effective(DEFAULT, stored, null);
        assertEquals(Map.of("listen", "127.0.0.1:8000", "threads", "8", "accesslog", "log",
                "felix.fileinstall.filename", "file:/etc/dev.usher.server.cfg"), effective);
    }

    @Test
    void aUnixSocketAloneIsTheDefaultServers() throws UsageException {
        ServerLayers layers = layers("-b", "unix:/run/u.sock");
        assertEquals(Map.of("unix_socket", "/run/u.sock", "accesslog", "log"),
                layers.effective(DEFAULT, Map.of("port", "9000"), null));
    }

    @Test
    void unixSocketsBesideTcpAddressesGetCompanionServers() throws UsageException {
        ServerLayers layers = new ServerLayers(CommandLine.parse("-b", "127.0.0.1:8000", "-b", "unix:/run/a.sock",
                "-b", "unix:/run/b.sock", "-w", "2"), settings("[server:main]\nlisten = 127.0.0.1:7000\nthreads = 8\n"));
        assertEquals(Set.of(DEFAULT, "dev.usher.server~unix", "dev.usher.server~unix-2"), layers.pids());
        assertEquals(Map.of("listen", "127.0.0.1:8000", "threads", "8", "workers", 2, "accesslog", "log"),
                layers.effective(DEFAULT, Map.of(), null));
        assertEquals(Map.of("unix_socket", "/run/a.sock", "threads", "8", "workers", 2, "accesslog", "log"),
                layers.effective("dev.usher.server~unix", Map.of(), null));
        assertEquals("/run/b.sock", layers.effective("dev.usher.server~unix-2", Map.of(), null).get("unix_socket"));
    }

    @Test
    void theUmaskGivesUnixSocketsWithoutPermsTheirMode() throws UsageException {
        ServerLayers layers = new ServerLayers(CommandLine.parse("-b", "unix:/run/u.sock", "-m", "007"),
                settings("[server:admin]\nunix_socket = /run/admin.sock\nunix_socket_perms = 600\n"));
        assertEquals("0770", layers.effective(DEFAULT, Map.of(), null).get("unix_socket_perms"));
        assertEquals("600", layers.effective(ADMIN, Map.of(), null).get("unix_socket_perms"));
        assertNull(layers.effective("dev.usher.server~tcp", Map.of("port", "1"), null).get("unix_socket_perms"));
    }

    @Test
    void theCommandLineBeatsTheSettingsFileWhichBeatsWhatIsStored() throws UsageException {
        ServerLayers layers = new ServerLayers(CommandLine.parse("-w", "5"),
                settings("threads = 6\nworkers = 2\nident = file\n[server:admin]\nport = 9001\n"));
        Map<String, Object> stored = Map.of("threads", "3", "ident", "etc", "backlog", "64", "accesslog", "");
        assertEquals(Map.of("threads", "6", "workers", 5, "ident", "file", "backlog", "64", "accesslog", ""),
                layers.effective(DEFAULT, stored, null));
        assertEquals(Map.of("port", "9001", "workers", 5, "accesslog", "log"), layers.effective(ADMIN, Map.of(), null));
        assertEquals(Set.of(DEFAULT, ADMIN), layers.pids());
    }

    @Test
    void workersFromSignalsWinUntilDropped() throws UsageException {
        ServerLayers layers = layers("-w", "5");
        assertEquals(6, layers.effective(DEFAULT, Map.of(), 6).get("workers"));
        assertEquals(5, layers.effective(DEFAULT, Map.of(), null).get("workers"));
    }

    @Test
    void whereASettingComesFrom() throws UsageException {
        ServerLayers layers = new ServerLayers(CommandLine.parse("-w", "5", "-b", "127.0.0.1:1"),
                settings("threads = 6\n[server:admin]\nport = 9001\n"));
        assertEquals("command line", layers.source(DEFAULT, "workers", null));
        assertEquals("command line", layers.source(DEFAULT, "listen", null));
        assertEquals("the settings file [server:main]", layers.source(DEFAULT, "threads", null));
        assertEquals("the settings file [server:admin]", layers.source(ADMIN, "port", null));
        assertEquals("etc/x.cfg", layers.source(ADMIN, "backlog", "etc/x.cfg"));
        assertEquals("runtime default", layers.source(ADMIN, "accesslog", null));
    }

    @Test
    void theEffectiveSettingsOfEveryOptionAreValid() throws Exception {
        ServerLayers layers = layers("-b", "127.0.0.1:8000", "-b", "[::1]:8001", "-b", "unix:/tmp/u.sock", "-w", "3",
                "-m", "022", "-d", "--reuse-port", "--access-logfile", "/tmp/access.log", "--graceful-timeout", "12",
                "--timeout", "60");
        Adjustments main = Adjustments.parse(layers.effective(DEFAULT, Map.of(), null));
        assertEquals(2, main.listen().size());
        assertEquals(3, main.workers());
        assertEquals(true, main.exposeTracebacks());
        assertEquals(true, main.reusePort());
        assertEquals("/tmp/access.log", main.accessLog());
        assertEquals(12, main.gracefulTimeout());
        assertEquals(60, main.timeout());
        Adjustments unix = Adjustments.parse(layers.effective("dev.usher.server~unix", Map.of(), null));
        assertEquals("/tmp/u.sock", unix.unixSocket());
        assertEquals(0755, unix.unixSocketPerms());
        assertEquals(List.of(), unix.listen());
    }

    @Test
    void pidsAndServerNames() {
        assertEquals(DEFAULT, ServerLayers.pid("default"));
        assertEquals(ADMIN, ServerLayers.pid("admin"));
        assertEquals("default", ServerLayers.serverName(DEFAULT));
        assertEquals("admin", ServerLayers.serverName(ADMIN));
        assertNull(ServerLayers.serverName("dev.usher.serverx"));
        assertNull(ServerLayers.serverName("dev.usher.server~"));
        assertNull(ServerLayers.serverName(null));
    }

    private static ServerLayers layers(String... args) throws UsageException {
        return new ServerLayers(CommandLine.parse(args), SettingsFile.EMPTY);
    }

    private static SettingsFile settings(String text) {
        try {
            return SettingsFile.parse("the settings file", text.lines().toList());
        } catch (SettingsFile.SyntaxException e) {
            throw new AssertionError(e);
        }
    }
}

package dev.usher.runtime.options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.usher.config.Adjustments;

class ConfigCheckTest {

    @TempDir
    Path directory;

    @Test
    void goodSettingsAreReportedServerByServer() throws Exception {
        Options options = CommandLine.parse("-w", "2");
        SettingsFile file = SettingsFile.parse("u.ini", List.of("[server:main]", "listen = 127.0.0.1:8080",
                "[server:admin]", "unix_socket = /run/admin.sock", "threads = 1", "colour = blue"));
        ConfigCheck.Report report = ConfigCheck.check(options, file, Map.of());
        assertTrue(report.ok(), report::toString);
        assertEquals(List.of(
                "server default: ok: http://127.0.0.1:8080, 4 threads, 2 workers, access log log",
                "warning: server admin: unknown setting colour is ignored (from u.ini [server:admin])",
                "server admin: ok: unix:/run/admin.sock, 1 threads, 2 workers, access log log"), report.lines());
        assertEquals(List.of(), report.startWarnings(), "the config bundle warns of the unknown setting at a start");
    }

    @Test
    void badSettingsAreErrorsNamingTheSettingAndWhereItComesFrom() throws Exception {
        Files.createDirectories(directory.resolve("etc"));
        Files.writeString(directory.resolve("etc/dev.usher.server-admin.cfg"), "port = 99999\n");
        Options options = CommandLine.parse("--timeout", "5", directory.toString());
        SettingsFile file = SettingsFile.parse("u.ini", List.of("threads = many"));
        ConfigCheck.Report report = ConfigCheck.check(options, file, EtcFiles.read(directory.resolve("etc"),
                key -> null));
        assertFalse(report.ok());
        assertEquals(List.of(
                "server default: threads=many: not a whole number (from u.ini [server:main])",
                "server admin: port=99999: must be from 0 to 65535 (from "
                        + directory.resolve("etc/dev.usher.server-admin.cfg") + ")"), report.errors());
    }

    @Test
    void everyBadSettingOfAServerIsReportedNotOnlyTheFirst() throws Exception {
        SettingsFile file = SettingsFile.parse("u.ini", List.of("listen = 127.0.0.1:99999", "threads = zero",
                "ipv4 = maybe"));
        ConfigCheck.Report report = ConfigCheck.check(CommandLine.parse(directory.toString()), file, Map.of());
        assertEquals(List.of(
                "server default: listen=127.0.0.1:99999: invalid port in 127.0.0.1:99999 (from u.ini [server:main])",
                "server default: ipv4=maybe: not a boolean (true/false, yes/no, on/off, 1/0) (from u.ini [server:main])",
                "server default: threads=zero: not a whole number (from u.ini [server:main])"), report.errors());
        // relations between settings are checked once every value is good on its own
        SettingsFile clash = SettingsFile.parse("u.ini", List.of("listen = 127.0.0.1:8000", "port = 8001"));
        assertEquals(List.of("server default: listen=127.0.0.1:8000: cannot be combined with host or port "
                + "(from u.ini [server:main])"), ConfigCheck.check(CommandLine.parse(directory.toString()), clash,
                        Map.of()).errors());
    }

    @Test
    void etcFilesAreReadAsFileInstallReadsThem() throws IOException {
        Path etc = Files.createDirectories(directory.resolve("etc"));
        Files.writeString(etc.resolve("dev.usher.server.cfg"), "listen = ${usher.test.host}:8080\nthreads=3\n");
        Files.writeString(etc.resolve("dev.usher.server-my-admin.cfg"), "port = 9000\n");
        Files.writeString(etc.resolve("dev.usher.server.config"), "threads=I\"4\"\n");
        Files.writeString(etc.resolve("org.example.cfg"), "x = 1\n");
        Map<String, EtcFiles.EtcFile> files = EtcFiles.read(etc, Map.of("usher.test.host", "127.0.0.1")::get);
        assertEquals(List.of("dev.usher.server", "dev.usher.server~my-admin"), List.copyOf(files.keySet()));
        assertEquals(Map.of("listen", "127.0.0.1:8080", "threads", "3"), files.get("dev.usher.server").settings());
        assertEquals(Map.of("port", "9000"), files.get("dev.usher.server~my-admin").settings());
        assertEquals(Map.of(), EtcFiles.read(directory.resolve("none"), key -> null));
    }

    @Test
    void describeSaysWhereAndHowMany() throws Exception {
        assertEquals("http://127.0.0.1:1 http://[::1]:2, 4 threads, 3 workers",
                ConfigCheck.describe(Adjustments.parse(Map.of("listen", "127.0.0.1:1 [::1]:2", "workers", 3))));
    }
}

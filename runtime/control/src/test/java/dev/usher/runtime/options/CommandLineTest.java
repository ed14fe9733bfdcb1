package dev.usher.runtime.options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CommandLineTest {

    @TempDir
    Path directory;

    @Test
    void anEmptyCommandLineHasNoOptions() throws UsageException {
        assertEquals(Options.NONE, CommandLine.parse());
    }

    @Test
    void everyOptionInItsLongForm() throws Exception {
        Path config = settingsFile();
        Options options = CommandLine.parse("--config", config.toString(), "--bind", "127.0.0.1:8000",
                "--bind", "unix:/run/usher.sock", "--workers", "3", "--pid", "usher.pid", "--daemon", "--umask", "027",
                "--user", "www", "--group", "web", "--name", "api", "--log-level", "warning", "--log-file", "usher.log",
                "--debug", "--check-config", "--reuse-port", "--access-logfile", "access.log", "--graceful-timeout", "12",
                "--timeout", "60", "--worker-class", "sync", "--arbiter", "egg:gunicorn#main", "--certfile", "c.pem",
                "--keyfile", "/k.pem", "--ca-certs", "ca.pem", "--cert-reqs", "CERT_REQUIRED", "--ciphers",
                "TLS_AES_128_GCM_SHA256", "--proxy-protocol", "V2", "--proxy-allow-from", "10.0.0.1,10.0.0.2", "--help",
                "--version", directory.toString());
        Map<String, String> tls = new java.util.LinkedHashMap<>();
        tls.put("certfile", Path.of("c.pem").toAbsolutePath().toString());
        tls.put("keyfile", "/k.pem");
        tls.put("ca_certs", Path.of("ca.pem").toAbsolutePath().toString());
        tls.put("cert_reqs", "required");
        tls.put("ciphers", "TLS_AES_128_GCM_SHA256");
        tls.put("proxy_protocol", "v2");
        tls.put("proxy_allow_ips", "10.0.0.1,10.0.0.2");
        assertEquals(new Options(config, directory, List.of("127.0.0.1:8000", "unix:/run/usher.sock"), 3,
                Path.of("usher.pid"), true, 027, "www", "web", "api", "WARN", "usher.log", true, true, true,
                "access.log", 12, 60, "sync", tls, true, true), options);
    }

    @Test
    void tlsOptionsTravelAsFrameworkPropertiesAndSetEveryServer() throws Exception {
        Options options = CommandLine.parse("--certfile", "c.pem", "--keyfile", "k.pem", "--cert-reqs", "1");
        Map<String, String> properties = options.toProperties();
        assertEquals(Path.of("c.pem").toAbsolutePath().toString(), properties.get("usher.certfile"));
        assertEquals("optional", properties.get("usher.cert_reqs"));
        Options back = Options.fromProperties(properties::get);
        assertEquals(options.serverSettings(), back.serverSettings());
        Map<String, Object> every = new ServerLayers(back, SettingsFile.EMPTY).effective("dev.usher.server", Map.of(), null);
        assertEquals(Path.of("k.pem").toAbsolutePath().toString(), every.get("keyfile"));
        assertEquals("optional", every.get("cert_reqs"));
        UsageException e = assertThrows(UsageException.class, () -> CommandLine.parse("--cert-reqs", "maybe"));
        assertTrue(e.getMessage().contains("--cert-reqs"), e.getMessage());
    }

    @Test
    void proxyProtocolOptionsTravelAsFrameworkPropertiesAndSetEveryServer() throws Exception {
        Options options = CommandLine.parse("--proxy-protocol", "true", "--proxy-allow-from", "*");
        Map<String, String> properties = options.toProperties();
        assertEquals("auto", properties.get("usher.proxy_protocol"));
        assertEquals("*", properties.get("usher.proxy_allow_ips"));
        Options back = Options.fromProperties(properties::get);
        assertEquals(options.serverSettings(), back.serverSettings());
        Map<String, Object> every = new ServerLayers(back, SettingsFile.EMPTY).effective("dev.usher.server~b", Map.of(), null);
        assertEquals("auto", every.get("proxy_protocol"));
        assertEquals("*", every.get("proxy_allow_ips"));
        UsageException e = assertThrows(UsageException.class, () -> CommandLine.parse("--proxy-protocol", "v3"));
        assertTrue(e.getMessage().contains("--proxy-protocol"), e.getMessage());
    }

    @Test
    void everyOptionInItsShortForm() throws Exception {
        Path config = settingsFile();
        Options options = CommandLine.parse("-c", config.toString(), "-b", "[::1]:8000", "-w", "5", "-p", "u.pid",
                "-D", "-m", "0o002", "-u", "www", "-g", "web", "-n", "api", "-d", "-t", "7", "-h");
        assertEquals(config, options.config());
        assertEquals(List.of("[::1]:8000"), options.binds());
        assertEquals(5, options.workers());
        assertEquals(Path.of("u.pid"), options.pidFile());
        assertTrue(options.daemon());
        assertEquals(2, options.umask());
        assertEquals("www", options.user());
        assertEquals("web", options.group());
        assertEquals("api", options.name());
        assertTrue(options.debug());
        assertEquals(7, options.timeout());
        assertTrue(options.help());
    }

    @Test
    void valuesAttachedOrAfterAnEqualsSign() throws UsageException {
        Options options = CommandLine.parse("-w4", "--timeout=9", "-b*:8080", "--log-level=DEBUG", "-m022");
        assertEquals(4, options.workers());
        assertEquals(9, options.timeout());
        assertEquals(List.of("*:8080"), options.binds());
        assertEquals("DEBUG", options.logLevel());
        assertEquals(022, options.umask());
    }

    @Test
    void clusteredFlagsAndAValueAtTheEnd() throws UsageException {
        Options options = CommandLine.parse("-dDw2");
        assertTrue(options.debug());
        assertTrue(options.daemon());
        assertEquals(2, options.workers());
    }

    @Test
    void theLastOfARepeatedOptionWinsButBindsAdd() throws UsageException {
        Options options = CommandLine.parse("-w", "2", "-w", "3", "-b", "127.0.0.1:1", "-b", "127.0.0.1:2");
        assertEquals(3, options.workers());
        assertEquals(List.of("127.0.0.1:1", "127.0.0.1:2"), options.binds());
        assertEquals(List.of("127.0.0.1:1", "127.0.0.1:2"), options.tcpBinds());
        assertEquals(List.of(), options.unixBinds());
    }

    @Test
    void theSettingsPathMayFollowADoubleDash() throws UsageException {
        assertEquals(directory, CommandLine.parse("--", directory.toString()).settingsPath());
        assertEquals(directory, CommandLine.parse("-w", "1", directory.toString()).settingsPath());
    }

    @Test
    void gunicornsLogLevelsMapToOsgiLevels() throws UsageException {
        assertEquals("DEBUG", CommandLine.parse("--log-level", "debug").logLevel());
        assertEquals("INFO", CommandLine.parse("--log-level", "info").logLevel());
        assertEquals("WARN", CommandLine.parse("--log-level", "warning").logLevel());
        assertEquals("ERROR", CommandLine.parse("--log-level", "error").logLevel());
        assertEquals("ERROR", CommandLine.parse("--log-level", "critical").logLevel());
    }

    @Test
    void theWorkerClassIsSyncOrVirtualWhereTheJvmHasVirtualThreads() throws UsageException {
        assertEquals("sync", CommandLine.parse("-k", "sync").workerClass());
        assertEquals(null, CommandLine.parse("-a", "egg:gunicorn#main").workerClass());
        if (Runtime.version().feature() >= 21) {
            assertEquals("virtual", CommandLine.parse("--worker-class=Virtual").workerClass());
        } else {
            UsageException e = assertThrows(UsageException.class, () -> CommandLine.parse("-k", "virtual"));
            assertEquals("option -k/--worker-class: virtual needs Java 21 or later; this JVM is Java "
                    + Runtime.version().feature(), e.getMessage());
        }
    }

    @Test
    void accessLogKeywordsStayAsTheyAre() throws UsageException {
        assertEquals("-", CommandLine.parse("--access-logfile", "-").accessLogFile());
        assertEquals("log", CommandLine.parse("--access-logfile", "log").accessLogFile());
        assertEquals("", CommandLine.parse("--access-logfile", "").accessLogFile());
        assertEquals("-", CommandLine.parse("--log-file", "-").logFile());
    }

    static Stream<Arguments> badCommandLines() {
        return Stream.of(
                Arguments.of(List.of("--bogus"), "unrecognized option --bogus (see --help)"),
                Arguments.of(List.of("-x"), "unrecognized option -x (see --help)"),
                Arguments.of(List.of("-w"), "option -w/--workers: expected a value (INT)"),
                Arguments.of(List.of("-w", "many"), "option -w/--workers: not a whole number: 'many'"),
                Arguments.of(List.of("-w", "0"), "option -w/--workers: must be from 1 to 1024, not 0"),
                Arguments.of(List.of("--workers=2000"), "option -w/--workers: must be from 1 to 1024, not 2000"),
                Arguments.of(List.of("--timeout", "-1"), "option -t/--timeout: must be at least 0, not -1"),
                Arguments.of(List.of("--graceful-timeout", "soon"), "option --graceful-timeout: not a whole number: 'soon'"),
                Arguments.of(List.of("-m", "999"), "option -m/--umask: not an octal mode such as 022: '999'"),
                Arguments.of(List.of("-m", "01000"), "option -m/--umask: must be from 0 to 0777 (octal), not 01000"),
                Arguments.of(List.of("--log-level", "loud"),
                        "option --log-level: not a level: 'loud' (debug, info, warning, error or critical)"),
                Arguments.of(List.of("-b", "unix:"), "option -b/--bind: no path in unix:"),
                Arguments.of(List.of("-b", "::1:80"), "option -b/--bind: listen=::1:80: an IPv6 address needs brackets: ::1:80"),
                Arguments.of(List.of("-b", "localhost:http"), "option -b/--bind: listen=localhost:http: invalid port in localhost:http"),
                Arguments.of(List.of("-b", "fd://3"),
                        "option -b/--bind: file descriptors (fd://3) are not supported; use --reuse-port to hand addresses over between processes"),
                Arguments.of(List.of("-c", "/no/such/file"), "option -c/--config: no readable file /no/such/file"),
                Arguments.of(List.of("/no/such/dir"), "SETTINGS_PATH /no/such/dir is not a directory"),
                Arguments.of(List.of("--daemon=yes"), "option -D/--daemon: takes no value"),
                Arguments.of(List.of("-u", " "), "option -u/--user: must not be empty"),
                Arguments.of(List.of("--pid", ""), "option -p/--pid: expected a path, got an empty string"),
                Arguments.of(List.of("-k", "gevent"), "option -k/--worker-class: 'gevent' is neither sync nor virtual"),
                Arguments.of(List.of("-a", "egg:myapp#arbiter"), "option -a/--arbiter: Usher's arbiter is its own "
                        + "launcher; only the default egg:gunicorn#main is accepted, not 'egg:myapp#arbiter'"));
    }

    @ParameterizedTest
    @MethodSource("badCommandLines")
    void aBadOptionIsOneLineNamingIt(List<String> args, String message) {
        UsageException e = assertThrows(UsageException.class, () -> CommandLine.parse(args.toArray(String[]::new)));
        assertEquals(message, e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void aSecondSettingsPathIsRefused() throws IOException {
        Path other = Files.createDirectory(directory.resolve("other"));
        UsageException e = assertThrows(UsageException.class,
                () -> CommandLine.parse(directory.toString(), other.toString()));
        assertTrue(e.getMessage().startsWith("more than one SETTINGS_PATH"), e.getMessage());
    }

    @Test
    void helpListsEveryOptionWithItsDefaultOnOneLine() {
        String help = Help.text();
        for (CommandLine.Spec spec : CommandLine.SPECS) {
            String line = help.lines().filter(l -> l.contains(spec.longName() + (spec.metavar() == null ? "" : " "
                    + spec.metavar()))).findFirst().orElseThrow(() -> new AssertionError(spec + " not in\n" + help));
            assertTrue(line.contains(spec.help()), line);
            if (spec.defaultValue() != null) {
                assertTrue(line.endsWith("[" + spec.defaultValue() + "]"), line);
            }
        }
        assertTrue(help.startsWith("usage: java -jar usher.jar [OPTIONS] [SETTINGS_PATH]\n"), help);
    }

    @Test
    void noOptionIsAbsentFromTheDefaults() throws UsageException {
        Options options = CommandLine.parse();
        assertNull(options.workers());
        assertNull(options.config());
        assertEquals(Path.of(""), options.settingsDirectory());
    }

    private Path settingsFile() throws IOException {
        return Files.writeString(directory.resolve("usher.ini"), "[server:main]\nthreads = 2\n");
    }
}

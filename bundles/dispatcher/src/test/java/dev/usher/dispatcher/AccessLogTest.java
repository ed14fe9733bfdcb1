package dev.usher.dispatcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.usher.api.HttpApplication;
import dev.usher.config.Adjustments;

/**
 * The access log through a real server: every {@code access_log_format} atom, each destination,
 * and no line lost or out of order across a stop, a rotation, a change of destination and a
 * swap of standard output.
 */
class AccessLogTest {

    private final RecordingLogger log = new RecordingLogger();
    private final Map<String, Object> settings = new HashMap<>(Map.of("listen", "127.0.0.1:0", "workers", "2"));
    private Server server;

    @TempDir
    Path dir;

    private static final HttpApplication TYPED = (request, response) -> {
        response.setHeader("Content-Type", "text/x-test");
        response.body().write("twelve bytes".getBytes(StandardCharsets.US_ASCII));
    };

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private InetSocketAddress start(Map<String, String> more) throws Exception {
        settings.putAll(more);
        HttpApplication empty = (request, response) -> { };
        Mounts mounts = new Mounts(List.of(new MountPoint("/app", TYPED, 0, 1, Set.of(), false, false),
                new MountPoint("/empty", empty, 0, 2, Set.of(), false, false)));
        server = new Server("logged", Adjustments.parse(settings), () -> mounts, log.logger, log.logger);
        server.start();
        return (InetSocketAddress) server.addresses().get(0);
    }

    private static void get(RawClient client, String target, String... fields) throws IOException {
        StringBuilder request = new StringBuilder("GET " + target + " HTTP/1.1\r\nHost: x\r\n");
        for (String field : fields) {
            request.append(field).append("\r\n");
        }
        client.send(request.append("\r\n").toString()).read();
    }

    private static List<String> lines(Path file) throws IOException {
        return Files.exists(file) ? Files.readAllLines(file) : List.of();
    }

    @Test
    void everyAtomOfTheFormatIsWritten() throws Exception {
        Path file = dir.resolve("access.log");
        InetSocketAddress address = start(Map.of("accesslog", file.toString(), "access_log_format",
                "%(h)s|%(l)s|%(u)s|%(t)s|%(r)s|%(m)s|%(U)s|%(q)s|%(H)s|%(s)s|%(B)s|%(b)s|%(f)s|%(a)s|%(T)s|%(M)s"
                        + "|%(D)s|%(L)s|%(p)s|%({x-test}i)s|%({content-type}o)s|%({absent}i)s|%(nonsense)s"));
        try (RawClient client = new RawClient(address)) {
            get(client, "/app/path?a=1&b", "Referer: http://ref/", "User-Agent: agent/1.0", "X-Test: yes");
        }
        server.stop();
        List<String> lines = lines(file);
        assertEquals(1, lines.size(), lines.toString());
        Matcher m = Pattern.compile("127\\.0\\.0\\.1\\|-\\|-\\|\\[(\\d\\d/[A-Z][a-z]{2}/\\d{4}:\\d\\d:\\d\\d:\\d\\d [+-]\\d{4})\\]"
                + "\\|GET /app/path\\?a=1&b HTTP/1\\.1\\|GET\\|/app/path\\|a=1&b\\|HTTP/1\\.1\\|200\\|12\\|12"
                + "\\|http://ref/\\|agent/1\\.0\\|(\\d+)\\|(\\d+)\\|(\\d+)\\|(\\d+)\\.(\\d{6})\\|<(\\d+)>\\|yes\\|text/x-test"
                + "\\|-\\|-").matcher(lines.get(0));
        assertTrue(m.matches(), lines.get(0));
        long micros = Long.parseLong(m.group(4));
        assertEquals(micros / 1_000_000, Long.parseLong(m.group(2)), "%(T)s is whole seconds of %(D)s");
        assertEquals(micros / 1000, Long.parseLong(m.group(3)), "%(M)s is milliseconds of %(D)s");
        assertEquals(micros, Long.parseLong(m.group(5)) * 1_000_000 + Long.parseLong(m.group(6)), "%(L)s");
        assertEquals(ProcessHandle.current().pid(), Long.parseLong(m.group(7)));
    }

    @Test
    void whatAResponseLacksIsADash() throws Exception {
        Path file = dir.resolve("access.log");
        InetSocketAddress address = start(Map.of("accesslog", file.toString(), "access_log_format",
                "%(m)s %(U)s %(s)s %(b)s %(B)s"));
        RawClient.Response notFound;
        try (RawClient client = new RawClient(address)) {
            notFound = client.send("GET /nothing-here HTTP/1.1\r\nHost: x\r\n\r\n").read();
            client.send("GET /empty HTTP/1.1\r\nHost: x\r\n\r\n").read();
        }
        server.stop();
        int length = notFound.body().length;
        assertTrue(length > 0);
        // nothing mounted: no request an application saw, so no method or path of one
        assertEquals(List.of("- - 404 " + length + " " + length, "GET /empty 200 - 0"), lines(file));
    }

    /** Lines of several connections at once: each connection's in the order its requests were answered. */
    @Test
    void eachConnectionsLinesAreInOrderAndNoneIsLostOnAStop() throws Exception {
        Path file = dir.resolve("access.log");
        InetSocketAddress address = start(Map.of("accesslog", file.toString(), "access_log_format", "%(U)s"));
        int connections = 8;
        int requests = 500;
        ExecutorService clients = Executors.newFixedThreadPool(connections);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < connections; c++) {
                int connection = c;
                done.add(clients.submit(() -> {
                    try (RawClient client = new RawClient(address)) {
                        for (int r = 0; r < requests; r++) {
                            get(client, "/app/" + connection + "/" + r);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
        } finally {
            clients.shutdown();
        }
        // no waiting for the writer: the stop writes what is pending before it returns
        server.stop();
        List<String> lines = lines(file);
        assertEquals(connections * requests, lines.size());
        int[] next = new int[connections];
        for (String line : lines) {
            String[] parts = line.split("/");
            int connection = Integer.parseInt(parts[2]);
            assertEquals(next[connection]++, Integer.parseInt(parts[3]), "order of connection " + connection);
        }
        assertTrue(server.accessLog().stoppedForTest(), "the writer's thread ended");
    }

    /** logrotate moves the file away: lines go on to the moved file until it is reopened, then to a new one. */
    @Test
    void aRotatedFileIsReopenedAndNoLineIsLost() throws Exception {
        Path file = dir.resolve("access.log");
        Path rotated = dir.resolve("access.log.1");
        InetSocketAddress address = start(Map.of("accesslog", file.toString(), "access_log_format", "%(U)s"));
        int sent = 0;
        try (RawClient client = new RawClient(address)) {
            get(client, "/app/" + sent++);
            LiveServerTest.awaitTrue(() -> Files.exists(file));
            Files.move(file, rotated);
            while (!Files.exists(file)) {
                // the writer looks for a moved file at most once a second: requests go on meanwhile
                get(client, "/app/" + sent++);
            }
            get(client, "/app/" + sent++);
        }
        server.stop();
        List<String> all = new ArrayList<>(lines(rotated));
        assertFalse(lines(file).isEmpty(), "the new file has lines");
        all.addAll(lines(file));
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < sent; i++) {
            expected.add("/app/" + i);
        }
        assertEquals(expected, all);
    }

    @Test
    void changingTheDestinationLiveLosesNoLineAndEndsTheOldWriter() throws Exception {
        Path first = dir.resolve("first.log");
        Path second = dir.resolve("second.log");
        InetSocketAddress address = start(Map.of("accesslog", first.toString(), "access_log_format", "%(U)s"));
        try (RawClient client = new RawClient(address)) {
            get(client, "/app/1");
            AccessLog old = server.accessLog();
            settings.put("accesslog", second.toString());
            server.apply(Adjustments.parse(settings));
            assertTrue(old.stoppedForTest(), "the first log's writer ended");
            get(client, "/app/2");
        }
        server.stop();
        assertEquals(List.of("/app/1"), lines(first));
        assertEquals(List.of("/app/2"), lines(second));
    }

    /** As the launcher swaps standard output to reopen its log file (USR1): every line lands in one of the two. */
    @Test
    void standardOutputSwappedMidwayLosesNoLine() throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream before = new ByteArrayOutputStream();
        ByteArrayOutputStream after = new ByteArrayOutputStream();
        System.setOut(new PrintStream(before, true, StandardCharsets.UTF_8));
        try {
            InetSocketAddress address = start(Map.of("accesslog", "-", "access_log_format", "access %(U)s"));
            try (RawClient client = new RawClient(address)) {
                for (int i = 0; i < 200; i++) {
                    if (i == 100) {
                        System.setOut(new PrintStream(after, true, StandardCharsets.UTF_8));
                    }
                    get(client, "/app/" + i);
                }
            }
            server.stop();
        } finally {
            System.setOut(original);
        }
        List<String> lines = new ArrayList<>();
        for (ByteArrayOutputStream out : List.of(before, after)) {
            out.toString(StandardCharsets.UTF_8).lines().filter(line -> line.startsWith("access ")).forEach(lines::add);
        }
        assertEquals(200, lines.size());
        for (int i = 0; i < 200; i++) {
            assertEquals("access /app/" + i, lines.get(i));
        }
        assertTrue(after.size() > 0, "lines after the swap went to the new standard output");
    }

    @Test
    void theLogServiceGetsOneInfoEntryPerLine() throws Exception {
        InetSocketAddress address = start(Map.of("accesslog", "log", "access_log_format", "access %(U)s %(s)s"));
        try (RawClient client = new RawClient(address)) {
            get(client, "/app/a");
            get(client, "/app/b");
        }
        server.stop();
        // one entry may hold both, a line each
        assertEquals(List.of("access /app/a 200", "access /app/b 200"), log.lines.stream()
                .filter(line -> line.startsWith("INFO access ")).flatMap(entry -> entry.substring(5).lines()).toList());
    }

    @Test
    void aServerThatCannotBindLeavesNoWriterRunning() throws Exception {
        InetSocketAddress taken = start(Map.of("accesslog", dir.resolve("a.log").toString()));
        Mounts mounts = new Mounts(List.of());
        Map<String, Object> clash = new HashMap<>(settings);
        clash.put("listen", "127.0.0.1:" + taken.getPort());
        Server second = new Server("clash", Adjustments.parse(clash), () -> mounts, log.logger, log.logger);
        assertThrowsIo(second::start);
        assertTrue(second.accessLog().stoppedForTest(), "the writer of a server that did not start ended");
    }

    private static void assertThrowsIo(org.junit.jupiter.api.function.Executable start) {
        org.junit.jupiter.api.Assertions.assertThrows(IOException.class, start);
    }
}

package dev.usher.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.usher.dispatcher.monitor.ConnectionPhase;
import dev.usher.dispatcher.monitor.ConnectionStatus;

/** The shell commands' tables: aligned as Karaf's, with the figures of the status in their columns. */
class ShellCommandsTest {

    /** Every line's separators stand in the same columns as the header's. */
    private static void assertAligned(String table) {
        List<String> lines = table.lines().toList();
        String header = lines.get(0);
        List<Integer> bars = positions(header, '│');
        assertEquals(positions(lines.get(1), '┼'), bars, table);
        for (String line : lines.subList(2, lines.size())) {
            assertEquals(bars, positions(line, '│'), line);
        }
    }

    private static List<Integer> positions(String line, char c) {
        return java.util.stream.IntStream.range(0, line.length()).filter(i -> line.charAt(i) == c).boxed().toList();
    }

    @Test
    void serversShowOneAlignedRowEach() {
        String table = ShellCommands.servers(List.of(Statuses.server("default"), Statuses.server("admin-api")));
        assertAligned(table);
        List<String> lines = table.lines().toList();
        assertEquals(4, lines.size(), table);
        assertTrue(lines.get(0).startsWith("Name "), table);
        String row = lines.get(2);
        assertTrue(row.startsWith("default "), row);
        assertTrue(row.contains("http://127.0.0.1:8080 unix:/run/usher.sock"), row);
        assertTrue(row.contains("sync 3/5/2"), row);
        assertTrue(row.contains(" 21 │ ") && row.contains(" 120 │ ") && row.contains(" 2.0 │ ") && row.endsWith("1h 2m"), row);
    }

    @Test
    void numbersAlignRightAndTextLeft() {
        String table = new ColumnTable("Name", "#Count").row("a", 5).row("longer", 12345).text();
        assertEquals("""
                Name   │ Count
                ───────┼──────
                a      │     5
                longer │ 12345
                """, table);
        assertThrows(IllegalArgumentException.class, () -> new ColumnTable("A", "B").row("only one"));
    }

    @Test
    void connectionsMountsAndStats() {
        String connections = ShellCommands.connections(List.of(
                new ConnectionStatus("default", "127.0.0.1:50123", "plain", ConnectionPhase.IDLE, Duration.ofSeconds(75),
                        Duration.ofMillis(2500), "usher-default-io-0"),
                new ConnectionStatus("admin", "[0:0:0:0:0:0:0:1]:40000", "tls+proxy", ConnectionPhase.READING_HEAD,
                        Duration.ofHours(26), Duration.ZERO, "usher-admin-io-1")));
        assertAligned(connections);
        assertTrue(connections.contains("127.0.0.1:50123") && connections.contains("idle") && connections.contains("1m 15s")
                && connections.contains("2.5s") && connections.contains("reading head") && connections.contains("1d 2h")
                && connections.contains("tls+proxy"), connections);

        String mounts = ShellCommands.mounts(List.of(Statuses.server("default")));
        assertAligned(mounts);
        List<String> rows = mounts.lines().toList();
        assertEquals(4, rows.size(), mounts);
        assertTrue(rows.get(2).contains("dev.usher.demo.Hello") && rows.get(2).contains("I/O loop")
                && rows.get(2).contains(" 90 "), rows.get(2));
        assertTrue(rows.get(3).contains("/api") && rows.get(3).contains("pool, streaming"), rows.get(3));

        String stats = ShellCommands.stats(List.of(Statuses.server("default")));
        assertAligned(stats);
        String row = stats.lines().toList().get(2);
        assertTrue(row.contains(" 120 │ ") && row.contains(" 100 │ ") && row.contains("400:5 431:1")
                && row.contains("4/1") && row.contains(" 123456 │   7654321 "), row);
    }
}

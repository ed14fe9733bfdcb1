package dev.usher.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * The metrics read by a real parser of the exposition format: the Prometheus project's Python
 * client ({@code prometheus_client.parser}, Debian's {@code python3-prometheus-client}), which
 * {@link PrometheusParser} runs. What it reads back must be what was rendered.
 */
class PrometheusTextTest {

    @Test
    void everyFamilyParsesWithItsTypeAndSamples() throws Exception {
        String text = PrometheusText.of(List.of(Statuses.server("default"), Statuses.server("ad\"min\\")));
        Map<String, PrometheusParser.Family> families = PrometheusParser.parse(text);

        assertEquals(new TreeMap<>(Map.ofEntries(Map.entry("usher_requests", "counter"),
                Map.entry("usher_request_duration_seconds", "histogram"), Map.entry("usher_received_bytes", "counter"),
                Map.entry("usher_sent_bytes", "counter"), Map.entry("usher_connections", "gauge"),
                Map.entry("usher_pool_threads", "gauge"), Map.entry("usher_pool_busy", "gauge"),
                Map.entry("usher_pool_queued", "gauge"), Map.entry("usher_io_loops", "gauge"),
                Map.entry("usher_refusals", "counter"), Map.entry("usher_spills", "counter"),
                Map.entry("usher_config_changes", "counter"), Map.entry("usher_loop_restarts", "counter"),
                Map.entry("usher_start_time_seconds", "gauge"))), families.entrySet().stream()
                .collect(TreeMap::new, (m, e) -> m.put(e.getKey(), e.getValue().type()), Map::putAll));

        String admin = "ad\"min\\";
        assertEquals(90.0, families.get("usher_requests").value("usher_requests_total",
                Map.of("server", "default", "mount", "/", "class", "2xx")));
        assertEquals(6.0, families.get("usher_requests").value("usher_requests_total",
                Map.of("server", admin, "mount", "-", "class", "4xx")), "a label value with \" and \\ survives");
        PrometheusParser.Family durations = families.get("usher_request_duration_seconds");
        assertEquals(90.0, durations.value("usher_request_duration_seconds_bucket", Map.of("server", "default",
                "le", "0.001")));
        assertEquals(116.0, durations.value("usher_request_duration_seconds_bucket", Map.of("server", "default",
                "le", "0.1")), "buckets are cumulative");
        assertEquals(120.0, durations.value("usher_request_duration_seconds_bucket", Map.of("server", "default",
                "le", "+Inf")));
        assertEquals(120.0, durations.value("usher_request_duration_seconds_count", Map.of("server", "default")));
        assertEquals(3.25, durations.value("usher_request_duration_seconds_sum", Map.of("server", "default")));
        assertEquals(7654321.0, families.get("usher_sent_bytes").value("usher_sent_bytes_total",
                Map.of("server", "default")));
        assertEquals(6.0, families.get("usher_connections").value("usher_connections",
                Map.of("server", "default", "phase", "idle")));
        assertEquals(2.0, families.get("usher_pool_queued").value("usher_pool_queued", Map.of("server", "default")));
        assertEquals(5.0, families.get("usher_refusals").value("usher_refusals_total",
                Map.of("server", "default", "status", "400")));
        assertEquals(3.0, families.get("usher_spills").value("usher_spills_total",
                Map.of("server", "default", "body", "response")));
        assertEquals(1.0, families.get("usher_config_changes").value("usher_config_changes_total",
                Map.of("server", admin, "outcome", "refused")));
        assertEquals(1.0, families.get("usher_loop_restarts").value("usher_loop_restarts_total",
                Map.of("server", "default")));
        assertEquals((double) java.time.Instant.parse("2026-12-06T08:00:00Z").getEpochSecond(), families.get("usher_start_time_seconds").value("usher_start_time_seconds",
                Map.of("server", "default")));
        assertEquals(2 * 3 * 5, families.get("usher_requests").samples().size(), "3 mounts by 5 classes, 2 servers");
    }

    @Test
    void noServerIsStillAWellFormedExposition() throws Exception {
        Map<String, PrometheusParser.Family> families = PrometheusParser.parse(PrometheusText.of(List.of()));
        assertEquals(14, families.size());
        assertTrue(families.values().stream().allMatch(f -> f.samples().isEmpty()));
    }

    /**
     * Runs {@code prometheus_client.parser} on an exposition and reads what it parsed: a line a
     * family ({@code F name type}) and a line a sample ({@code S family name value label value
     * ...}), tab-separated (no label value here holds a tab).
     */
    static final class PrometheusParser {

        record Sample(String name, Map<String, String> labels, double value) {
        }

        record Family(String name, String type, List<Sample> samples) {

            double value(String sample, Map<String, String> labels) {
                return samples.stream().filter(s -> s.name().equals(sample) && s.labels().equals(labels))
                        .findFirst().orElseThrow(() -> new AssertionError("no " + sample + labels + " in " + samples))
                        .value();
            }
        }

        /** The Debian python, which has the packaged parser (a python of pyenv's may be first on the path). */
        private static final String PYTHON = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3"
                : "python3";

        private static final String SCRIPT = String.join("\n",
                "import sys",
                "from prometheus_client.parser import text_string_to_metric_families",
                "for f in text_string_to_metric_families(sys.stdin.read()):",
                "    print('F', f.name, f.type, sep='\\t')",
                "    for s in f.samples:",
                "        labels = [x for k in sorted(s.labels) for x in (k, s.labels[k])]",
                "        print('S', f.name, s.name, repr(float(s.value)), *labels, sep='\\t')");

        static Map<String, Family> parse(String exposition) throws IOException, InterruptedException {
            Process python = new ProcessBuilder(PYTHON, "-c", SCRIPT).redirectErrorStream(false).start();
            try (var in = python.getOutputStream()) {
                in.write(exposition.getBytes(StandardCharsets.UTF_8));
            }
            String out = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(python.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(python.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, python.exitValue(), "the parser refused the exposition (python3-prometheus-client "
                    + "must be installed; .ci/run installs it):\n" + err + "\n" + exposition);
            Map<String, String> types = new TreeMap<>();
            Map<String, List<Sample>> samples = new TreeMap<>();
            for (String line : out.split("\n")) {
                String[] fields = line.split("\t", -1);
                if (fields[0].equals("F")) {
                    types.put(fields[1], fields[2]);
                    samples.put(fields[1], new ArrayList<>());
                } else if (fields[0].equals("S")) {
                    Map<String, String> labels = new TreeMap<>();
                    for (int i = 4; i + 1 < fields.length; i += 2) {
                        labels.put(fields[i], fields[i + 1]);
                    }
                    samples.get(fields[1]).add(new Sample(fields[2], labels, Double.parseDouble(fields[3])));
                }
            }
            Map<String, Family> families = new TreeMap<>();
            types.forEach((name, type) -> families.put(name, new Family(name, type, samples.get(name))));
            return families;
        }
    }
}

package dev.usher.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/** The page's JSON: well formed for a real JSON parser (Python's), with every figure where the page reads it. */
class StatusJsonTest {

    private static final String PYTHON = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3"
            : "python3";

    /** Evaluates {@code expression} on the JSON {@code j} in Python and returns what it prints. */
    private static String query(String json, String expression) throws Exception {
        Process python = new ProcessBuilder(PYTHON, "-c",
                "import sys, json\nj = json.load(sys.stdin)\nprint(json.dumps(" + expression + ", sort_keys=True))")
                .start();
        try (var in = python.getOutputStream()) {
            in.write(json.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        String err = new String(python.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(python.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, python.exitValue(), err + "\n" + json);
        return out;
    }

    @Test
    void theJsonCarriesEverySectionOfTheStatus() throws Exception {
        String json = StatusJson.of(List.of(Statuses.server("default")), Instant.parse("2026-12-06T09:00:00Z"));
        assertEquals("\"2026-12-06T09:00:00Z\"", query(json, "j['time']"));
        assertEquals("[\"default\", 3723.0, true]", query(json, "[j['servers'][0][k] for k in ('name', 'uptime_seconds', 'metrics')]"));
        assertEquals("[\"http://127.0.0.1:8080\", \"unix:/run/usher.sock\"]", query(json, "j['servers'][0]['listeners']"));
        assertEquals("[[\"default-io-0\", 11, false], [\"default-io-1\", 10, true]]",
                query(json, "[[l['name'], l['connections'], l['retiring']] for l in j['servers'][0]['loops']]"));
        assertEquals("{\"busy\": 3, \"idle\": 5, \"queued\": 2, \"threads\": 8, \"worker_class\": \"sync\"}",
                query(json, "j['servers'][0]['pool']"));
        assertEquals("{\"handshake\": 0, \"idle\": 6, \"in_application\": 4, \"queued\": 3, \"reading_body\": 2, "
                + "\"reading_head\": 1, \"total\": 21, \"writing\": 5}", query(json, "j['servers'][0]['connections']"));
        assertEquals("[\"/\", \"api \\\"v2\\\"\", true, false, 90]", query(json,
                "[j['servers'][0]['mounts'][0]['prefix'], j['servers'][0]['mounts'][1]['application'], "
                        + "j['servers'][0]['mounts'][0]['nonblocking'], j['servers'][0]['mounts'][0]['streaming'], "
                        + "j['servers'][0]['mounts'][0]['answered']['2xx']]"));
        assertEquals("[120, 6, 2.0, 60]", query(json, "[j['servers'][0]['requests']['total'], "
                + "j['servers'][0]['requests']['by_mount']['-']['4xx'], j['servers'][0]['last_minute']['requests_per_second'], "
                + "len(j['servers'][0]['last_minute']['per_second'])]"));
        assertEquals("[[0.001, 90], [0.01, 20], [0.1, 6], [\"+Inf\", 4]]",
                query(json, "[[b['le'], b['count']] for b in j['servers'][0]['durations']['buckets']]"));
        assertEquals("[{\"in\": 123456, \"out\": 7654321}, {\"400\": 5, \"431\": 1}, {\"requests\": 2, \"responses\": 3}]",
                query(json, "[j['servers'][0][k] for k in ('bytes', 'refusals', 'spills')]"));
        assertEquals("[{\"applied\": 4, \"last_refusal\": \"listen: port 99999 is out of range\", \"refused\": 1}, 1]",
                query(json, "[j['servers'][0]['config'], j['servers'][0]['loop_restarts']]"));
    }

    @Test
    void stringsAreEscapedSoThatNoneEndsTheTextOrAScript() throws Exception {
        String tricky = "a\"b\\c\nd\te\u0001</script>\u2028";
        String json = new JsonWriter().beginObject().name("v").value(tricky).name("n").value(Double.NaN)
                .name("list").beginArray().value(1).beginObject().endObject().value((String) null).endArray()
                .endObject().text();
        assertFalse(json.contains("</script>"));
        String codePoints = tricky.chars().mapToObj(Integer::toString).collect(Collectors.joining(", ", "[", "]"));
        assertEquals(codePoints, query(json, "[ord(c) for c in j['v']]"), "read back as written");
        assertEquals("[null, [1, {}, null]]", query(json, "[j['n'], j['list']]"));
        assertThrows(IllegalStateException.class, () -> new JsonWriter().beginObject().text());
    }
}

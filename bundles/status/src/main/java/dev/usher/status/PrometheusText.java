package dev.usher.status;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.ToDoubleFunction;

import dev.usher.dispatcher.monitor.ConnectionPhase;
import dev.usher.dispatcher.monitor.DurationHistogram;
import dev.usher.dispatcher.monitor.ServerStatus;
import dev.usher.dispatcher.monitor.StatusClass;
import dev.usher.dispatcher.monitor.Traffic;

/**
 * The servers' metrics in the Prometheus text exposition format (version 0.0.4): every family
 * with its {@code # HELP} and {@code # TYPE}, its samples together, one {@code server} label on
 * each. README.md lists the families.
 */
final class PrometheusText {

    /** The exposition format's media type. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final StringBuilder text = new StringBuilder(8192);
    private final List<ServerStatus> servers;
    /** The family being written: its samples' name. */
    private String current;

    private PrometheusText(List<ServerStatus> servers) {
        this.servers = servers;
    }

    static String of(List<ServerStatus> servers) {
        return new PrometheusText(servers).write();
    }

    private String write() {
        family("usher_requests_total", "counter", "Responses by server, mount (- for the server's own) and status class.",
                (server, out) -> {
                    Map<String, Map<StatusClass, Long>> byMount = new TreeMap<>(server.traffic().answeredByMount());
                    byMount.forEach((mount, counts) -> {
                        for (StatusClass statusClass : StatusClass.values()) {
                            sample(out, server, ",mount=\"" + escape(mount) + "\",class=\"" + statusClass.label() + "\"",
                                    counts.getOrDefault(statusClass, 0L));
                        }
                    });
                });
        family("usher_request_duration_seconds", "histogram",
                "Request durations, from the first byte of the head to the end of the answer.", (server, out) -> {
                    DurationHistogram histogram = server.traffic().durations();
                    long cumulative = 0;
                    for (int i = 0; i < histogram.counts().size(); i++) {
                        cumulative += histogram.counts().get(i);
                        String le = i < histogram.upperBoundsSeconds().size()
                                ? number(histogram.upperBoundsSeconds().get(i)) : "+Inf";
                        out.append("usher_request_duration_seconds_bucket{server=\"").append(escape(server.name()))
                                .append("\",le=\"").append(le).append("\"} ").append(cumulative).append('\n');
                    }
                    out.append("usher_request_duration_seconds_sum{server=\"").append(escape(server.name())).append("\"} ")
                            .append(number(histogram.sumSeconds())).append('\n');
                    out.append("usher_request_duration_seconds_count{server=\"").append(escape(server.name()))
                            .append("\"} ").append(cumulative).append('\n');
                });
        counter("usher_received_bytes_total", "Bytes of HTTP received (after TLS).", s -> s.traffic().bytesIn());
        counter("usher_sent_bytes_total", "Bytes of HTTP sent (before TLS).", s -> s.traffic().bytesOut());
        family("usher_connections", "gauge", "Open connections by phase.", (server, out) -> {
            for (ConnectionPhase phase : ConnectionPhase.values()) {
                sample(out, server, ",phase=\"" + phase.key() + "\"", server.connections().getOrDefault(phase, 0));
            }
        });
        gauge("usher_pool_threads", "Application calls that may run at once (threads).", s -> s.pool().threads());
        gauge("usher_pool_busy", "Application calls running.", s -> s.pool().busy());
        gauge("usher_pool_queued", "Application calls waiting for a thread.", s -> s.pool().queued());
        gauge("usher_io_loops", "I/O loops running.", s -> s.loops().size());
        family("usher_refusals_total", "counter", "Requests refused before any application saw them, by status.",
                (server, out) -> new TreeMap<>(server.traffic().refusals())
                        .forEach((status, n) -> sample(out, server, ",status=\"" + status + "\"", n)));
        family("usher_spills_total", "counter", "Bodies that went to a temporary file: request (inbuf_overflow) "
                + "or response (outbuf_overflow).", (server, out) -> {
                    Traffic traffic = server.traffic();
                    sample(out, server, ",body=\"request\"", traffic.spilledRequests());
                    sample(out, server, ",body=\"response\"", traffic.spilledResponses());
                });
        family("usher_config_changes_total", "counter", "Configuration changes applied to the running server, or "
                + "refused.", (server, out) -> {
                    sample(out, server, ",outcome=\"applied\"", server.config().applied());
                    sample(out, server, ",outcome=\"refused\"", server.config().refused());
                });
        counter("usher_loop_restarts_total", "I/O loops replaced after an unexpected error killed them.",
                ServerStatus::loopRestarts);
        gauge("usher_start_time_seconds", "When the server started, in seconds since the epoch.",
                s -> s.started().toEpochMilli() / 1000.0);
        return text.toString();
    }

    private void counter(String name, String help, ToDoubleFunction<ServerStatus> value) {
        family(name, "counter", help, (server, out) -> sample(out, server, "", value.applyAsDouble(server)));
    }

    private void gauge(String name, String help, ToDoubleFunction<ServerStatus> value) {
        family(name, "gauge", help, (server, out) -> sample(out, server, "", value.applyAsDouble(server)));
    }

    private void family(String name, String type, String help, BiConsumer<ServerStatus, StringBuilder> samples) {
        text.append("# HELP ").append(name).append(' ').append(help.replace("\\", "\\\\").replace("\n", "\\n"))
                .append('\n');
        text.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        current = name;
        for (ServerStatus server : servers) {
            samples.accept(server, text);
        }
    }

    private void sample(StringBuilder out, ServerStatus server, String labels, double value) {
        out.append(current).append("{server=\"").append(escape(server.name())).append('"').append(labels)
                .append("} ").append(number(value)).append('\n');
    }

    /** An integral value as an integer, else as a plain decimal ({@code 0.0001}, not {@code 1.0E-4}). */
    private static String number(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return Double.isFinite(value) ? java.math.BigDecimal.valueOf(value).stripTrailingZeros().toPlainString() : Double.toString(value);
    }

    /** A label value: backslash, double quote and line feed escaped, as the format says. */
    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}

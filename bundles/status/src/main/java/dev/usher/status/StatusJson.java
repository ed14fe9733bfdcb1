package dev.usher.status;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.usher.dispatcher.monitor.ConnectionPhase;
import dev.usher.dispatcher.monitor.DurationHistogram;
import dev.usher.dispatcher.monitor.LastMinute;
import dev.usher.dispatcher.monitor.LoopStatus;
import dev.usher.dispatcher.monitor.MountStatus;
import dev.usher.dispatcher.monitor.PoolStatus;
import dev.usher.dispatcher.monitor.ServerStatus;
import dev.usher.dispatcher.monitor.StatusClass;
import dev.usher.dispatcher.monitor.Traffic;

/** The servers' status as the page's JSON ({@code <mount>/json}); README.md lists its fields. */
final class StatusJson {

    private StatusJson() {
    }

    static String of(List<ServerStatus> servers, Instant now) {
        JsonWriter json = new JsonWriter().beginObject();
        json.name("time").value(now.toString());
        json.name("servers").beginArray();
        for (ServerStatus server : servers) {
            server(json, server);
        }
        return json.endArray().endObject().text();
    }

    private static void server(JsonWriter json, ServerStatus server) {
        json.beginObject();
        json.name("name").value(server.name());
        json.name("started").value(server.started().toString());
        json.name("uptime_seconds").value(server.uptime().toMillis() / 1000.0);
        json.name("metrics").value(server.metrics());
        json.name("listeners").beginArray();
        server.listeners().forEach(json::value);
        json.endArray();
        json.name("loops").beginArray();
        for (LoopStatus loop : server.loops()) {
            json.beginObject().name("name").value(loop.name()).name("connections").value(loop.connections())
                    .name("retiring").value(loop.retiring()).endObject();
        }
        json.endArray();
        PoolStatus pool = server.pool();
        json.name("pool").beginObject().name("worker_class").value(pool.workerClass())
                .name("threads").value(pool.threads()).name("busy").value(pool.busy()).name("idle").value(pool.idle())
                .name("queued").value(pool.queued()).endObject();
        json.name("connections").beginObject();
        for (ConnectionPhase phase : ConnectionPhase.values()) {
            json.name(phase.key()).value(server.connections().getOrDefault(phase, 0));
        }
        json.name("total").value(server.openConnections()).endObject();
        json.name("mounts").beginArray();
        for (MountStatus mount : server.mounts()) {
            json.beginObject().name("prefix").value(mount.prefix()).name("application").value(mount.application())
                    .name("service_id").value(mount.serviceId()).name("nonblocking").value(mount.nonblocking())
                    .name("streaming").value(mount.streaming()).name("answered");
            classes(json, mount.answered());
            json.endObject();
        }
        json.endArray();
        traffic(json, server.traffic());
        json.name("config").beginObject().name("applied").value(server.config().applied())
                .name("refused").value(server.config().refused())
                .name("last_refusal").value(server.config().lastRefusal()).endObject();
        json.name("loop_restarts").value(server.loopRestarts());
        json.endObject();
    }

    private static void traffic(JsonWriter json, Traffic traffic) {
        json.name("requests").beginObject().name("total").value(traffic.requests()).name("answered");
        classes(json, traffic.answered());
        json.name("by_mount").beginObject();
        for (Map.Entry<String, Map<StatusClass, Long>> mount : new TreeMap<>(traffic.answeredByMount()).entrySet()) {
            json.name(mount.getKey());
            classes(json, mount.getValue());
        }
        json.endObject().endObject();
        LastMinute minute = traffic.lastMinute();
        json.name("last_minute").beginObject().name("seconds").value(minute.seconds())
                .name("requests_per_second").value(minute.requestsPerSecond()).name("per_second").beginArray();
        minute.perSecond().forEach(json::value);
        json.endArray().name("answered");
        classes(json, minute.answered());
        json.endObject();
        DurationHistogram durations = traffic.durations();
        json.name("durations").beginObject().name("count").value(durations.count())
                .name("sum_seconds").value(durations.sumSeconds()).name("buckets").beginArray();
        for (int i = 0; i < durations.counts().size(); i++) {
            json.beginObject().name("le");
            if (i < durations.upperBoundsSeconds().size()) {
                json.value(durations.upperBoundsSeconds().get(i));
            } else {
                json.value("+Inf");
            }
            json.name("count").value(durations.counts().get(i)).endObject();
        }
        json.endArray().endObject();
        json.name("bytes").beginObject().name("in").value(traffic.bytesIn()).name("out").value(traffic.bytesOut())
                .endObject();
        json.name("refusals").beginObject();
        new TreeMap<>(traffic.refusals()).forEach((status, n) -> json.name(String.valueOf(status)).value(n));
        json.endObject();
        json.name("spills").beginObject().name("requests").value(traffic.spilledRequests())
                .name("responses").value(traffic.spilledResponses()).endObject();
    }

    private static void classes(JsonWriter json, Map<StatusClass, Long> counts) {
        json.beginObject();
        for (StatusClass statusClass : StatusClass.values()) {
            json.name(statusClass.label()).value(counts.getOrDefault(statusClass, 0L));
        }
        json.endObject();
    }
}

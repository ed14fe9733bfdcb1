package dev.usher.status;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import dev.usher.dispatcher.monitor.ConfigChanges;
import dev.usher.dispatcher.monitor.ConnectionPhase;
import dev.usher.dispatcher.monitor.DurationHistogram;
import dev.usher.dispatcher.monitor.LastMinute;
import dev.usher.dispatcher.monitor.LoopStatus;
import dev.usher.dispatcher.monitor.MountStatus;
import dev.usher.dispatcher.monitor.PoolStatus;
import dev.usher.dispatcher.monitor.ServerStatus;
import dev.usher.dispatcher.monitor.StatusClass;
import dev.usher.dispatcher.monitor.Traffic;

/** Server statuses made by hand, with every figure distinct, for the renderings' tests. */
final class Statuses {

    private Statuses() {
    }

    static Map<StatusClass, Long> classes(long c1, long c2, long c3, long c4, long c5) {
        Map<StatusClass, Long> map = new EnumMap<>(StatusClass.class);
        map.put(StatusClass.INFORMATIONAL, c1);
        map.put(StatusClass.SUCCESS, c2);
        map.put(StatusClass.REDIRECTION, c3);
        map.put(StatusClass.CLIENT_ERROR, c4);
        map.put(StatusClass.SERVER_ERROR, c5);
        return map;
    }

    /** A server named {@code name} that answered 120 requests: 100 2xx, 7 3xx, 9 4xx, 4 5xx. */
    static ServerStatus server(String name) {
        Map<ConnectionPhase, Integer> phases = new EnumMap<>(ConnectionPhase.class);
        int n = 0;
        for (ConnectionPhase phase : ConnectionPhase.values()) {
            phases.put(phase, n++);
        }
        DurationHistogram durations = new DurationHistogram(List.of(0.001, 0.01, 0.1), List.of(90L, 20L, 6L, 4L), 120,
                3.25);
        LastMinute minute = new LastMinute(60, java.util.Collections.nCopies(60, 2L), classes(0, 100, 7, 9, 4));
        Traffic traffic = new Traffic(classes(0, 100, 7, 9, 4),
                Map.of("/", classes(0, 90, 7, 0, 4), "/api", classes(0, 10, 0, 3, 0), Traffic.NO_MOUNT,
                        classes(0, 0, 0, 6, 0)),
                123_456, 7_654_321, durations, minute, Map.of(400, 5L, 431, 1L), 2, 3);
        return new ServerStatus(name, Instant.parse("2026-12-06T08:00:00Z"), Duration.ofSeconds(3723),
                List.of("http://127.0.0.1:8080", "unix:/run/usher.sock"),
                List.of(new LoopStatus(name + "-io-0", 11, false), new LoopStatus(name + "-io-1", 10, true)),
                new PoolStatus("sync", 8, 3, 5, 2), phases,
                List.of(new MountStatus("/", "dev.usher.demo.Hello", 12, true, false, classes(0, 90, 7, 0, 4)),
                        new MountStatus("/api", "api \"v2\"", 13, false, true, classes(0, 10, 0, 3, 0))),
                traffic, new ConfigChanges(4, 1, "listen: port 99999 is out of range"), 1, true);
    }
}

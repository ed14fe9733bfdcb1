package dev.usher.dispatcher.monitor;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One running server, as a snapshot.
 *
 * @param name its name: {@code default}, or its factory configuration's
 * @param started when it started
 * @param uptime how long it has run
 * @param listeners the addresses it listens on, as URLs ({@code http://127.0.0.1:8080},
 *     {@code https://...}, {@code unix:/path})
 * @param loops its I/O loops
 * @param pool its application calls
 * @param connections its open connections by phase, every phase present
 * @param mounts the applications mounted on it, by prefix
 * @param traffic what it answered
 * @param config its configuration changes
 * @param loopRestarts I/O loops replaced after an unexpected throwable killed them
 * @param metrics whether it counts traffic ({@code metrics} setting)
 */
public record ServerStatus(String name, Instant started, Duration uptime, List<String> listeners,
        List<LoopStatus> loops, PoolStatus pool, Map<ConnectionPhase, Integer> connections, List<MountStatus> mounts,
        Traffic traffic, ConfigChanges config, long loopRestarts, boolean metrics) {

    /** Copies made immutable. */
    public ServerStatus {
        listeners = List.copyOf(listeners);
        loops = List.copyOf(loops);
        connections = Map.copyOf(connections);
        mounts = List.copyOf(mounts);
    }

    /** Every open connection. */
    public int openConnections() {
        return connections.values().stream().mapToInt(Integer::intValue).sum();
    }
}

package dev.usher.status;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import dev.usher.dispatcher.monitor.ConnectionStatus;
import dev.usher.dispatcher.monitor.MountStatus;
import dev.usher.dispatcher.monitor.PoolStatus;
import dev.usher.dispatcher.monitor.ServerMonitor;
import dev.usher.dispatcher.monitor.ServerStatus;
import dev.usher.dispatcher.monitor.StatusClass;
import dev.usher.dispatcher.monitor.Traffic;

/**
 * The shell commands {@code usher:servers}, {@code usher:connections}, {@code usher:mounts} and
 * {@code usher:stats}: Gogo command functions (the {@code osgi.command.*} service properties),
 * which Felix's Gogo shell and Karaf's shell both call. They print aligned columns to the
 * session's output. Always on: a shell is already the operator's.
 */
@Component(service = ShellCommands.class, property = {
    "osgi.command.scope=usher",
    "osgi.command.function=servers",
    "osgi.command.function=connections",
    "osgi.command.function=mounts",
    "osgi.command.function=stats",
})
public final class ShellCommands {

    private final ServerMonitor monitor;

    @Activate
    public ShellCommands(@Reference ServerMonitor monitor) {
        this.monitor = monitor;
    }

    /** {@code usher:servers}: each server, where it listens, its loops, pool, connections and traffic. */
    public void servers() {
        System.out.print(servers(monitor.servers()));
    }

    /** {@code usher:connections}: each open connection, its client, phase, age and idle time. */
    public void connections() {
        System.out.print(connections(monitor.connections()));
    }

    /** {@code usher:mounts}: each application mounted, per server, and what it answered. */
    public void mounts() {
        System.out.print(mounts(monitor.servers()));
    }

    /** {@code usher:stats}: each server's counts: responses by class, bytes, refusals, spills, changes. */
    public void stats() {
        System.out.print(stats(monitor.servers()));
    }

    static String servers(List<ServerStatus> servers) {
        ColumnTable table = new ColumnTable("Name", "Listening", "#Loops", "Pool (busy/idle/queued)", "#Connections",
                "#Requests", "#Req/s", "Uptime");
        for (ServerStatus server : servers) {
            PoolStatus pool = server.pool();
            table.row(server.name(), String.join(" ", server.listeners()), server.loops().size(),
                    pool.workerClass() + " " + pool.busy() + "/" + pool.idle() + "/" + pool.queued(),
                    server.openConnections(), server.traffic().requests(),
                    String.format(Locale.ROOT, "%.1f", server.traffic().lastMinute().requestsPerSecond()),
                    duration(server.uptime()));
        }
        return table.text();
    }

    static String connections(List<ConnectionStatus> connections) {
        ColumnTable table = new ColumnTable("Server", "Client", "Transport", "Phase", "Age", "Idle", "Loop");
        for (ConnectionStatus c : connections) {
            table.row(c.server(), c.remote(), c.transport(), c.phase().label(), duration(c.age()), duration(c.idle()),
                    c.loop());
        }
        return table.text();
    }

    static String mounts(List<ServerStatus> servers) {
        ColumnTable table = new ColumnTable("Server", "Prefix", "Application", "Runs on", "#Service", "#2xx", "#3xx",
                "#4xx", "#5xx");
        for (ServerStatus server : servers) {
            for (MountStatus mount : server.mounts()) {
                Map<StatusClass, Long> answered = mount.answered();
                table.row(server.name(), mount.prefix(), mount.application(),
                        mount.nonblocking() ? "I/O loop" : mount.streaming() ? "pool, streaming" : "pool",
                        mount.serviceId(), answered.get(StatusClass.SUCCESS), answered.get(StatusClass.REDIRECTION),
                        answered.get(StatusClass.CLIENT_ERROR), answered.get(StatusClass.SERVER_ERROR));
            }
        }
        return table.text();
    }

    static String stats(List<ServerStatus> servers) {
        ColumnTable table = new ColumnTable("Server", "#Requests", "#1xx", "#2xx", "#3xx", "#4xx", "#5xx", "#Req/s",
                "#Bytes in", "#Bytes out", "Refused", "#Spills", "Config (applied/refused)", "#Loop restarts");
        for (ServerStatus server : servers) {
            Traffic traffic = server.traffic();
            Map<StatusClass, Long> answered = traffic.answered();
            StringBuilder refused = new StringBuilder();
            new TreeMap<>(traffic.refusals()).forEach((status, n) ->
                    refused.append(refused.length() == 0 ? "" : " ").append(status).append(':').append(n));
            table.row(server.name() + (server.metrics() ? "" : " (metrics=false)"), traffic.requests(),
                    answered.get(StatusClass.INFORMATIONAL), answered.get(StatusClass.SUCCESS),
                    answered.get(StatusClass.REDIRECTION), answered.get(StatusClass.CLIENT_ERROR),
                    answered.get(StatusClass.SERVER_ERROR),
                    String.format(Locale.ROOT, "%.1f", traffic.lastMinute().requestsPerSecond()), traffic.bytesIn(),
                    traffic.bytesOut(), refused.length() == 0 ? "-" : refused,
                    traffic.spilledRequests() + traffic.spilledResponses(),
                    server.config().applied() + "/" + server.config().refused(), server.loopRestarts());
        }
        return table.text();
    }

    /** {@code 3d 4h}, {@code 2h 5m}, {@code 5m 7s}, {@code 12.3s}: two units at most. */
    static String duration(Duration duration) {
        long s = duration.toSeconds();
        if (s >= 86_400) {
            return s / 86_400 + "d " + s % 86_400 / 3600 + "h";
        }
        if (s >= 3600) {
            return s / 3600 + "h " + s % 3600 / 60 + "m";
        }
        if (s >= 60) {
            return s / 60 + "m " + s % 60 + "s";
        }
        return String.format(Locale.ROOT, "%.1fs", duration.toMillis() / 1000.0);
    }
}

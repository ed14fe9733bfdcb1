package dev.usher.runtime.options;

import dev.usher.config.ServerSettings;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How the command line and the settings file make each server's configuration.
 *
 * <p>A server's configuration (Config Admin PID {@value #PID} for the default server,
 * {@code dev.usher.server~NAME} for a named one) is made of layers, each later one winning:
 * <ol>
 * <li>runtime defaults, only for settings no layer gives: {@code accesslog=log} (the runtime logs
 * access by default);
 * <li>what Config Admin holds: {@code etc/*.cfg} (FileInstall), the Web Console, ...;
 * <li>the settings file's section for the server ({@code -c});
 * <li>the command line's options for every server: {@code -w}, {@code -d}, {@code --reuse-port},
 * {@code --access-logfile}, {@code --graceful-timeout}, {@code --timeout}, {@code -k};
 * <li>the command line's options for one server: {@code -b} for the default server (and for the
 * companion servers that hold its extra Unix sockets, see below);
 * <li>{@code workers} set by TTIN/TTOU (until the next HUP).
 * </ol>
 * The address settings {@code host}, {@code port}, {@code listen} and {@code unix_socket}
 * exclude one another, so they are taken as a group from the last layer that has any of them:
 * {@code -b} replaces a file's {@code port}, it does not add to it. With {@code -m}, a server with
 * a {@code unix_socket} and no {@code unix_socket_perms} gets {@code 0777 & ~umask}, the mode the
 * socket file would have had (as gunicorn creates its sockets under its umask).
 *
 * <p>A server listens either on TCP addresses or on one Unix socket (the config bundle refuses
 * {@code unix_socket} with {@code listen}). So when {@code -b} names TCP addresses and Unix
 * sockets, the default server gets the TCP addresses and each Unix socket gets a companion server,
 * {@code unix}, {@code unix-2}, ...: with the default server's section of the settings file (less
 * its addresses) and the command line's options; when {@code -b} names only Unix sockets, the
 * default server gets the first.
 */
public final class ServerLayers {

    /** The configuration PID of the default server, and the factory PID of named servers. */
    public static final String PID = ServerSettings.PID;

    /** The default server's name. */
    public static final String DEFAULT = "default";

    /** The settings that name where a server listens; they exclude one another. */
    public static final Set<String> ADDRESS_KEYS = Set.of("host", "port", "listen", "unix_socket");

    /** Properties that Config Admin keeps itself; never written as settings. */
    public static final Set<String> CONFIG_ADMIN_KEYS = Set.of("service.pid", "service.factoryPid",
            "service.bundleLocation");

    private final Map<String, Object> defaults;
    private final Map<String, Map<String, Object>> file;
    private final Map<String, Object> everyServer;
    private final Map<String, Map<String, Object>> oneServer;
    private final Integer umask;
    private final String fileName;

    /**
     * @param options the command line
     * @param settings the settings file ({@link SettingsFile#EMPTY} without {@code -c})
     */
    public ServerLayers(Options options, SettingsFile settings) {
        this.umask = options.umask();
        this.fileName = settings.source();

        Map<String, Object> defaults = new LinkedHashMap<>();
        defaults.put("accesslog", "log");
        this.defaults = Collections.unmodifiableMap(defaults);

        Map<String, Object> every = new LinkedHashMap<>();
        if (options.workers() != null) {
            every.put("workers", options.workers());
        } else if (options.debug()) {
            every.put("workers", 1);
        }
        if (options.debug()) {
            every.put("expose_tracebacks", true);
        }
        if (options.reusePort()) {
            every.put("reuse_port", true);
        }
        if (options.accessLogFile() != null) {
            every.put("accesslog", options.accessLogFile());
        }
        if (options.gracefulTimeout() != null) {
            every.put("graceful_timeout", options.gracefulTimeout());
        }
        if (options.timeout() != null) {
            every.put("timeout", options.timeout());
        }
        if (options.workerClass() != null) {
            every.put("worker_class", options.workerClass());
        }
        every.putAll(options.serverSettings());
        this.everyServer = Collections.unmodifiableMap(every);

        Map<String, Map<String, Object>> file = new LinkedHashMap<>();
        settings.servers().forEach((name, section) -> file.put(pid(name), Map.copyOf(section)));

        Map<String, Map<String, Object>> one = new LinkedHashMap<>();
        List<String> tcp = options.tcpBinds();
        List<String> unix = options.unixBinds();
        int companions = 0;
        if (!tcp.isEmpty()) {
            one.put(PID, Map.of("listen", String.join(" ", tcp)));
        }
        for (String path : unix) {
            if (!one.containsKey(PID)) {
                one.put(PID, Map.of("unix_socket", path));
                continue;
            }
            companions++;
            String companion = pid(companions == 1 ? "unix" : "unix-" + companions);
            one.put(companion, Map.of("unix_socket", path));
            Map<String, Object> inherited = new LinkedHashMap<>(file.getOrDefault(PID, Map.of()));
            inherited.keySet().removeAll(ADDRESS_KEYS);
            inherited.putAll(file.getOrDefault(companion, Map.of()));
            file.put(companion, inherited);
        }
        this.file = Collections.unmodifiableMap(file);
        this.oneServer = Collections.unmodifiableMap(one);
    }

    /** The PID of a server's configuration. */
    public static String pid(String serverName) {
        return serverName.equals(DEFAULT) ? PID : PID + "~" + serverName;
    }

    /** The server a configuration PID configures, or null if it is not a server's. */
    public static String serverName(String pid) {
        if (pid == null) {
            return null;
        }
        if (pid.equals(PID)) {
            return DEFAULT;
        }
        return pid.startsWith(PID + "~") && pid.length() > PID.length() + 1 ? pid.substring(PID.length() + 1) : null;
    }

    /**
     * The PIDs the command line and settings file configure: the default server's if {@code -b} or
     * a default section names it, each section's, and each companion's.
     */
    public Set<String> pids() {
        Set<String> pids = new LinkedHashSet<>(file.keySet());
        pids.addAll(oneServer.keySet());
        return pids;
    }

    /**
     * A server's configuration: {@code stored} (what Config Admin holds, or what an
     * {@code etc/} file says) with every layer applied.
     *
     * @param pid the configuration's PID
     * @param stored the configuration as stored; Config Admin's own properties are dropped, other
     *     properties that are not settings (e.g. FileInstall's file name) are kept
     * @param signalWorkers {@code workers} set by TTIN/TTOU, or null
     */
    public Map<String, Object> effective(String pid, Map<String, ?> stored, Integer signalWorkers) {
        Map<String, Object> result = new LinkedHashMap<>();
        stored.forEach((key, value) -> {
            if (!CONFIG_ADMIN_KEYS.contains(key) && value != null) {
                result.put(key, value);
            }
        });
        defaults.forEach(result::putIfAbsent);
        apply(result, file.get(pid));
        apply(result, everyServer);
        apply(result, oneServer.get(pid));
        if (signalWorkers != null) {
            result.put("workers", signalWorkers);
        }
        if (umask != null && !String.valueOf(result.getOrDefault("unix_socket", "")).isBlank()
                && !result.containsKey("unix_socket_perms")) {
            result.put("unix_socket_perms", Options.octal(0777 & ~umask));
        }
        return result;
    }

    /**
     * Where a server's setting comes from, for messages: {@code command line},
     * {@code FILE [server:NAME]}, or {@code stored} (what Config Admin holds or the etc file says).
     */
    public String source(String pid, String key, String stored) {
        if (oneServer.getOrDefault(pid, Map.of()).containsKey(key) || everyServer.containsKey(key)) {
            return "command line";
        }
        if (file.getOrDefault(pid, Map.of()).containsKey(key)) {
            String server = serverName(pid);
            return fileName + " [server:" + (server.equals(DEFAULT) ? "main" : server) + "]";
        }
        if (defaults.containsKey(key) && stored == null) {
            return "runtime default";
        }
        return stored;
    }

    private static void apply(Map<String, Object> result, Map<String, Object> layer) {
        if (layer == null || layer.isEmpty()) {
            return;
        }
        if (layer.keySet().stream().anyMatch(ADDRESS_KEYS::contains)) {
            result.keySet().removeAll(ADDRESS_KEYS);
        }
        result.putAll(layer);
    }
}

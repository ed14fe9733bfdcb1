package dev.usher.runtime.control;

import dev.usher.config.FrameworkProperties;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.cm.ConfigurationPlugin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.log.LogReaderService;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

import dev.usher.config.Adjustments;
import dev.usher.config.ServerSettings;
import dev.usher.config.UnconfiguredServers;
import dev.usher.runtime.options.CommandLine;
import dev.usher.runtime.options.DaemonStatus;
import dev.usher.runtime.options.EtcFiles;
import dev.usher.runtime.options.Options;
import dev.usher.runtime.options.PidFile;
import dev.usher.runtime.options.ServerLayers;
import dev.usher.runtime.options.SettingsFile;
import dev.usher.runtime.options.UsageException;

/**
 * Carries out the command line inside the framework.
 *
 * <ul>
 * <li><b>Configuration.</b> Reads the options back from the framework properties the launcher
 * set ({@link Options#fromProperties}) and the settings file ({@code -c}), and writes each
 * server's configuration into Config Admin as {@link ServerLayers} layers it: the default
 * server's (PID {@code dev.usher.server}), each named one's ({@code dev.usher.server~NAME}), and
 * those {@code etc/} holds get the options too. Everything that edits Config Admin later keeps
 * working live (FileInstall, the Web Console, Gogo). Because FileInstall replaces a whole
 * configuration when its {@code etc/} file changes, this component is also a
 * {@link ConfigurationPlugin}: on the way to the config bundle, every server configuration gets
 * the layers again, so an edit of {@code etc/dev.usher.server.cfg} cannot drop {@code -b} or
 * {@code -w} (the command line and settings file win, as in gunicorn).
 * <li><b>Deleted configurations.</b> Config Admin calls no plugin for a deletion: the config
 * bundle's managed service just hears that the server has no configuration. So this component
 * also registers {@link UnconfiguredServers}, which the config bundle asks then. For the default
 * server (unless {@code usher.server.default} is {@code false} and nothing names it) and each
 * server the layers name, it answers the layers over an empty configuration, what it writes at
 * start for a server no file configures; for other servers, none (they stop, as before).
 * Deleting {@code etc/dev.usher.server.cfg} or a Web Console configuration thus takes the
 * server straight back to the command line and settings file, never through bare defaults.
 * And, as a {@link ConfigurationListener}, it writes such a deleted configuration anew, with
 * those same properties, so that Config Admin shows what runs; the config bundle finds nothing
 * to change in it.
 * <li><b>Signals</b> (while active; the launcher handles TERM, INT and USR1 itself): HUP re-reads
 * the settings file and {@code etc/*.cfg} and writes every configuration anew (TTIN/TTOU changes
 * are dropped, as gunicorn's reload does), and a TLS server's even when unchanged, so that it
 * reads its certificate files anew; TTIN and TTOU write {@code workers} one higher or lower
 * (at least 1) into every server's configuration.
 * <li><b>Readiness</b> ({@link Readiness}): once the servers listen it writes the pid file
 * ({@code -p}; removed when this component stops) and reports {@code READY} to a waiting
 * {@code -D} launcher; if a server cannot start first, it reports the error and exits with 1.
 * </ul>
 *
 * It starts at start level 3, before the config bundle and the dispatcher (level 4), so their
 * first configuration is already the complete one.
 */
@Component(immediate = true, service = {})
public final class Control {

    /** Framework property that, set to {@code false}, runs no default server without configuration. */
    static final String DEFAULT_SERVER_PROPERTY = FrameworkProperties.DEFAULT_SERVER;

    /** FileInstall's property naming a configuration's file. */
    static final String FILEINSTALL_FILENAME = "felix.fileinstall.filename";

    private static final String SERVER_FILTER = "(|(" + Constants.SERVICE_PID + "=" + ServerLayers.PID + ")("
            + ConfigurationAdmin.SERVICE_FACTORYPID + "=" + ServerLayers.PID + "))";

    private final BundleContext context;
    private final ConfigurationAdmin configurationAdmin;
    private final Logger logger;
    private final LogReaderService logReader;
    private final Options options;
    private final Path statusFile;
    private final long pid = ProcessHandle.current().pid();
    private final List<ServerSettings> servers = new CopyOnWriteArrayList<>();
    private final Readiness readiness;
    private final ControlSignals signals;
    private final ServiceRegistration<ConfigurationPlugin> plugin;
    private final ServiceRegistration<UnconfiguredServers> unconfigured;
    /** Null until the configurations are written (and if the start failed). */
    private volatile ServiceRegistration<ConfigurationListener> deletions;
    private final boolean defaultServer;

    /** The layers in force; read by the plugin on Config Admin's thread. */
    private volatile ServerLayers layers;
    /** {@code workers} written by TTIN/TTOU, by PID, until the next HUP. */
    private final Map<String, Integer> signalWorkers = new ConcurrentHashMap<>();
    /** For configurations no file names: their {@code workers} before TTIN/TTOU (null: none). Guarded by this. */
    private final Map<String, Object> workersBeforeSignals = new HashMap<>();
    /** Configurations this component created. Guarded by this. */
    private final Set<String> created = new HashSet<>();
    private volatile boolean pidFileWritten;
    private volatile boolean stopped;

    @Activate
    public Control(BundleContext context, @Reference ConfigurationAdmin configurationAdmin,
            @Reference(service = LoggerFactory.class) Logger logger, @Reference LogReaderService logReader) {
        this.context = context;
        this.configurationAdmin = configurationAdmin;
        this.logger = logger;
        this.logReader = logReader;
        String status = context.getProperty(Options.DAEMON_STATUS);
        this.statusFile = status == null || status.isBlank() ? null : Path.of(status);
        this.defaultServer = !"false".equalsIgnoreCase(context.getProperty(DEFAULT_SERVER_PROPERTY));

        Options parsed;
        SettingsFile settings = SettingsFile.EMPTY;
        String problem = null;
        try {
            parsed = Options.fromProperties(context::getProperty);
            if (parsed.config() != null) {
                settings = SettingsFile.read(parsed.config());
                settings.warnings().forEach(warning -> logger.warn("{}", warning));
            }
        } catch (UsageException e) {
            parsed = Options.NONE;
            problem = "framework property " + e.getMessage();
        } catch (IOException | SettingsFile.SyntaxException e) {
            parsed = Options.NONE;
            problem = "settings file: " + e.getMessage();
        }
        this.options = parsed;
        this.layers = new ServerLayers(options, settings);

        Bundle system = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION);
        this.readiness = new Readiness(system.getState() == Bundle.ACTIVE, this::expectedAddresses, this::ready,
                this::failed);
        Hashtable<String, Object> pluginProperties = new Hashtable<>();
        pluginProperties.put(ConfigurationPlugin.CM_TARGET, new String[] {ServerLayers.PID});
        this.plugin = context.registerService(ConfigurationPlugin.class, this::deliver, pluginProperties);
        this.unconfigured = context.registerService(UnconfiguredServers.class, this::unconfigured, null);
        this.signals = new ControlSignals(logger);
        if (problem != null) {
            failed(problem);
            return;
        }
        synchronized (this) {
            writeAll(null);
        }
        this.deletions = context.registerService(ConfigurationListener.class, this::configurationEvent, null);
        context.addFrameworkListener(readiness);
        logReader.addLogListener(readiness);
        signals.handle("HUP", this::reload);
        signals.handle("TTIN", signal -> changeWorkers(+1, signal));
        signals.handle("TTOU", signal -> changeWorkers(-1, signal));
    }

    @Deactivate
    void deactivate() {
        synchronized (this) {
            stopped = true;
        }
        signals.close();
        logReader.removeLogListener(readiness);
        context.removeFrameworkListener(readiness);
        unregister(deletions);
        unregister(unconfigured);
        unregister(plugin);
        if (pidFileWritten && options.pidFile() != null && PidFile.removeIfOwn(options.pidFile(), pid)) {
            logger.info("Removed pid file {}", options.pidFile());
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            updated = "updatedServer", unbind = "removeServer")
    void addServer(ServerSettings settings) {
        servers.add(settings);
        readiness.check();
    }

    void updatedServer(ServerSettings settings) {
        readiness.check();
    }

    void removeServer(ServerSettings settings) {
        servers.remove(settings);
    }

    /** The plugin: every server configuration, on its way to the config bundle, gets the layers. */
    private void deliver(ServiceReference<?> target, Dictionary<String, Object> properties) {
        String configPid = (String) properties.get(Constants.SERVICE_PID);
        if (ServerLayers.serverName(configPid) == null) {
            return;
        }
        Map<String, Object> effective = layers.effective(configPid, toMap(properties), signalWorkers.get(configPid));
        for (String key : Collections.list(properties.keys())) {
            if (!effective.containsKey(key) && !ServerLayers.CONFIG_ADMIN_KEYS.contains(key)) {
                properties.remove(key);
            }
        }
        effective.forEach(properties::put);
    }

    /**
     * The {@link UnconfiguredServers} service: what a server runs on while Config Admin holds no
     * configuration for it. Asked on Config Admin's thread: it reads, it takes no lock.
     */
    private Optional<Map<String, Object>> unconfigured(String configPid) {
        ServerLayers current = layers;
        if (!named(current).contains(configPid)) {
            return Optional.empty();
        }
        return Optional.of(current.effective(configPid, Map.of(), signalWorkers.get(configPid)));
    }

    /**
     * The listener: a server configuration deleted (an {@code etc/} file removed, the Web
     * Console's Delete) that the command line or settings file name is written anew with what
     * {@link #unconfigured} answered, so that Config Admin shows what runs. Not the configurations
     * {@link #writeAll} deletes itself (nothing names them any more), not one that exists again
     * by now, and nothing once this component is stopping.
     */
    private void configurationEvent(ConfigurationEvent event) {
        String configPid = event.getPid();
        if (event.getType() != ConfigurationEvent.CM_DELETED || ServerLayers.serverName(configPid) == null) {
            return;
        }
        synchronized (this) {
            if (stopped || !named(layers).contains(configPid) || existing().containsKey(configPid)) {
                return;
            }
            Map<String, Object> effective = layers.effective(configPid, Map.of(), signalWorkers.get(configPid));
            try {
                Configuration configuration = configuration(configPid);
                created.add(configPid);
                configuration.updateIfDifferent(new Hashtable<>(effective));
                logger.info("Server {}: configuration deleted; written anew from the command line and settings file",
                        ServerLayers.serverName(configPid));
                logger.debug("Configuration {} written: {}", configPid, effective);
            } catch (IOException | RuntimeException e) {
                logger.error("Configuration {}: cannot write it anew: {}", configPid, e.toString(), e);
            }
        }
    }

    /**
     * The PIDs whose servers run whatever Config Admin holds: the default server's (unless
     * {@code usher.server.default} is {@code false}) and each the layers name.
     */
    private Set<String> named(ServerLayers current) {
        Set<String> named = new LinkedHashSet<>(current.pids());
        if (defaultServer) {
            named.add(ServerLayers.PID);
        }
        return named;
    }

    /**
     * Writes every server configuration: the default server's (unless {@code usher.server.default}
     * is {@code false} and nothing names it), each the layers name, and each Config Admin holds.
     *
     * @param etc null at start (Config Admin holds what FileInstall read); on HUP, the {@code etc/}
     *     files read anew, which replace what Config Admin holds for their PIDs
     */
    private void writeAll(Map<String, EtcFiles.EtcFile> etc) {
        ServerLayers current = layers;
        Map<String, Configuration> existing = existing();
        Set<String> named = named(current);
        Set<String> pids = new LinkedHashSet<>(named);
        pids.addAll(existing.keySet());
        if (etc != null) {
            pids.addAll(created);
        }
        for (String configPid : pids) {
            Configuration configuration = existing.get(configPid);
            Map<String, Object> stored = configuration == null ? Map.of() : toMap(configuration.getProperties());
            boolean isNamed = named.contains(configPid);
            Map<String, Object> base;
            if (etc == null) {
                base = stored;
            } else if (etc.containsKey(configPid)) {
                base = new LinkedHashMap<>(etc.get(configPid).settings());
                if (stored.containsKey(FILEINSTALL_FILENAME)) {
                    base.put(FILEINSTALL_FILENAME, stored.get(FILEINSTALL_FILENAME));
                }
            } else if (created.contains(configPid) || isNamed) {
                if (!isNamed) {
                    if (configuration != null) {
                        delete(configuration);
                    }
                    created.remove(configPid);
                    logger.info("Server {}: no longer configured; removed", ServerLayers.serverName(configPid));
                    continue;
                }
                base = Map.of();
            } else {
                base = new LinkedHashMap<>(stored);
                if (workersBeforeSignals.containsKey(configPid)) {
                    Object workers = workersBeforeSignals.get(configPid);
                    if (workers == null) {
                        base.remove("workers");
                    } else {
                        base.put("workers", workers);
                    }
                }
            }
            if (configuration == null && !isNamed) {
                continue;
            }
            Map<String, Object> effective = current.effective(configPid, base, signalWorkers.get(configPid));
            try {
                if (configuration == null) {
                    configuration = configuration(configPid);
                    created.add(configPid);
                }
                if (etc != null && effective.get("certfile") != null) {
                    // HUP: a TLS server reads its certificate files anew even if its settings stay
                    configuration.update(new Hashtable<>(effective));
                    logger.debug("Configuration {} written: {}", configPid, effective);
                } else if (configuration.updateIfDifferent(new Hashtable<>(effective))) {
                    logger.debug("Configuration {} written: {}", configPid, effective);
                }
            } catch (IOException | RuntimeException e) {
                logger.error("Configuration {}: cannot write it: {}", configPid, e.toString(), e);
            }
        }
        if (etc != null) {
            workersBeforeSignals.clear();
        }
    }

    /** HUP: the settings file and {@code etc/} read anew, every configuration written anew. */
    private void reload(String signal) {
        logger.info("Handling signal: {}: reloading {}{}/etc", signal,
                options.config() == null ? "" : options.config() + " and ", options.settingsDirectory().toAbsolutePath());
        SettingsFile settings = SettingsFile.EMPTY;
        Map<String, EtcFiles.EtcFile> etc;
        try {
            if (options.config() != null) {
                settings = SettingsFile.read(options.config());
                settings.warnings().forEach(warning -> logger.warn("{}", warning));
            }
            etc = EtcFiles.read(options.settingsDirectory().toAbsolutePath().resolve("etc"), context::getProperty);
        } catch (IOException | SettingsFile.SyntaxException e) {
            logger.error("Handling signal: {}: {}; keeping the current settings", signal, e.getMessage());
            return;
        }
        synchronized (this) {
            if (stopped) {
                return;
            }
            layers = new ServerLayers(options, settings);
            signalWorkers.clear();
            writeAll(etc);
        }
    }

    /** TTIN (+1), TTOU (-1): {@code workers} of every server, at least 1. */
    private synchronized void changeWorkers(int delta, String signal) {
        if (stopped) {
            return;
        }
        for (Map.Entry<String, Configuration> entry : existing().entrySet()) {
            String configPid = entry.getKey();
            String server = ServerLayers.serverName(configPid);
            Map<String, Object> stored = toMap(entry.getValue().getProperties());
            Map<String, Object> effective = layers.effective(configPid, stored, signalWorkers.get(configPid));
            int current = workers(effective.get("workers"));
            int next = Math.max(1, Math.min(CommandLine.MAX_WORKERS, current + delta));
            if (next == current) {
                logger.info("Handling signal: {}: server {}: workers stay {} (the {})", signal, server, current,
                        delta < 0 ? "least is 1" : "most is " + CommandLine.MAX_WORKERS);
                continue;
            }
            if (!signalWorkers.containsKey(configPid)) {
                workersBeforeSignals.put(configPid, stored.get("workers"));
            }
            signalWorkers.put(configPid, next);
            logger.info("Handling signal: {}: server {}: workers {} -> {}", signal, server, current, next);
            try {
                entry.getValue().updateIfDifferent(new Hashtable<>(layers.effective(configPid, stored, next)));
            } catch (IOException | RuntimeException e) {
                logger.error("Handling signal: {}: server {}: cannot write its configuration: {}", signal, server,
                        e.toString(), e);
            }
        }
    }

    private static int workers(Object value) {
        if (value instanceof Number number) {
            return number.intValue();
        }
        if (value != null) {
            try {
                return Integer.parseInt(value.toString().trim());
            } catch (NumberFormatException e) {
                // as if absent: the config bundle keeps its last good value and says why
            }
        }
        return Adjustments.defaultWorkers();
    }

    /** How many addresses the servers listen on, by their settings. */
    private int expectedAddresses() {
        int addresses = 0;
        for (ServerSettings settings : servers) {
            Adjustments adjustments = settings.adjustments();
            addresses += adjustments.listen().size() + (adjustments.unixSocket().isEmpty() ? 0 : 1);
        }
        return addresses;
    }

    private void ready() {
        if (stopped) {
            return;
        }
        if (options.pidFile() != null) {
            try {
                PidFile.write(options.pidFile(), pid, options.umask());
                pidFileWritten = true;
                logger.info("Wrote pid file {} ({})", options.pidFile(), pid);
            } catch (IOException e) {
                failed("cannot write pid file " + options.pidFile() + ": " + e);
                return;
            }
        }
        if (statusFile != null) {
            try {
                DaemonStatus.ready(statusFile, pid);
            } catch (IOException e) {
                logger.warn("Cannot report to the launcher through {}: {}", statusFile, e.toString());
            }
        }
        logger.info("Usher {}is serving, pid {}", options.name() == null ? "" : options.name() + " ", pid);
    }

    private void failed(String message) {
        logger.error("Start failed: {}; exiting", message);
        if (statusFile != null) {
            try {
                DaemonStatus.failed(statusFile, message);
            } catch (IOException e) {
                logger.warn("Cannot report to the launcher through {}: {}", statusFile, e.toString());
            }
        }
        Thread exit = new Thread(() -> System.exit(1), "usher-start-failed");
        exit.start();
    }

    /** The server configurations Config Admin holds, by PID. */
    private Map<String, Configuration> existing() {
        Map<String, Configuration> existing = new LinkedHashMap<>();
        try {
            Configuration[] configurations = configurationAdmin.listConfigurations(SERVER_FILTER);
            if (configurations != null) {
                for (Configuration configuration : configurations) {
                    if (ServerLayers.serverName(configuration.getPid()) != null) {
                        existing.put(configuration.getPid(), configuration);
                    }
                }
            }
        } catch (IOException | InvalidSyntaxException e) {
            logger.error("Cannot list the server configurations: {}", e.toString(), e);
        }
        return existing;
    }

    /** A server's configuration, created if need be, not bound to a bundle (TOOLCHAIN gotcha 3). */
    private Configuration configuration(String configPid) throws IOException {
        String server = ServerLayers.serverName(configPid);
        return server.equals(ServerLayers.DEFAULT) ? configurationAdmin.getConfiguration(ServerLayers.PID, "?")
                : configurationAdmin.getFactoryConfiguration(ServerLayers.PID, configPid.substring(
                        ServerLayers.PID.length() + 1), "?");
    }

    private static void unregister(ServiceRegistration<?> registration) {
        if (registration == null) {
            return;
        }
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            // unregistered with the bundle
        }
    }

    private void delete(Configuration configuration) {
        try {
            configuration.delete();
        } catch (IOException | RuntimeException e) {
            logger.error("Configuration {}: cannot delete it: {}", configuration.getPid(), e.toString());
        }
    }

    private static Map<String, Object> toMap(Dictionary<String, ?> properties) {
        Map<String, Object> map = new LinkedHashMap<>();
        if (properties != null) {
            for (String key : Collections.list(properties.keys())) {
                map.put(key, properties.get(key));
            }
        }
        return map;
    }
}

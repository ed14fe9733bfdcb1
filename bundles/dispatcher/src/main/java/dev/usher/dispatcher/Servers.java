package dev.usher.dispatcher;

import java.io.IOException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.nio.channels.ServerSocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

import dev.usher.api.HttpApplication;
import dev.usher.api.Mount;
import dev.usher.api.Nonblocking;
import dev.usher.api.Streaming;
import dev.usher.config.ServerSettings;
import dev.usher.dispatcher.monitor.ConnectionStatus;
import dev.usher.dispatcher.monitor.ServerMonitor;
import dev.usher.dispatcher.monitor.ServerStatus;

/**
 * The whiteboard: runs one {@link Server} per {@link ServerSettings} service and mounts every
 * {@link HttpApplication} service on them. Settings and applications come and go while it runs;
 * each change builds a new immutable {@link Mounts} snapshot, which requests read without a lock.
 * As the {@link ServerMonitor} service it answers with snapshots of the running servers.
 */
@Component(immediate = true, service = ServerMonitor.class)
public final class Servers implements ServerMonitor {


    private final BundleContext context;
    private final Logger logger;
    private final Logger accessLogger;
    private final ProcessIdentity identity;
    private final Map<String, Server> servers = new HashMap<>();
    /** The settings service of each running server, for the configurations it refused. */
    private final Map<String, ServerSettings> settingsByName = new HashMap<>();
    /** How each application is named in a status: its component's name, else its class. */
    private final Map<HttpApplication, String> names = new ConcurrentHashMap<>();
    private final Map<HttpApplication, List<MountPoint>> applications = new HashMap<>();
    private volatile Mounts mounts = Mounts.EMPTY;
    private boolean active = true;

    @Activate
    public Servers(BundleContext context, @Reference LoggerFactory loggers) {
        this.context = context;
        this.logger = loggers.getLogger(Servers.class);
        this.accessLogger = loggers.getLogger("dev.usher.access");
        this.identity = ProcessIdentity.of(context);
    }

    @Deactivate
    synchronized void deactivate() {
        active = false;
        if (context.getBundle(Constants.SYSTEM_BUNDLE_ID).getState() != Bundle.STOPPING) {
            // an update or restart of this bundle, not the framework's end: keep the sockets open
            Map<String, ServerSocketChannel> sockets = new HashMap<>();
            servers.values().forEach(server -> sockets.putAll(server.detachListeners()));
            ListenerHandover.offer(context, sockets);
            if (!sockets.isEmpty()) {
                logger.info("Listening sockets kept open for the next dispatcher, closed unless one claims them "
                        + "within {} s or when this bundle is uninstalled: {}", ListenerHandover.UNCLAIMED_SECONDS,
                        sockets.keySet());
            }
        }
        // every server drains at once, so stopping takes one graceful_timeout at most
        CompletableFuture.allOf(servers.values().stream()
                .map(server -> CompletableFuture.runAsync(server::stop, runnable -> new Thread(runnable,
                        identity.name() + "-" + server.name() + "-stop").start()))
                .toArray(CompletableFuture[]::new)).join();
        servers.clear();
        settingsByName.clear();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, updated = "updatedSettings", unbind = "removeSettings")
    synchronized void addSettings(ServerSettings settings) {
        if (!active) {
            return;
        }
        Server running = servers.get(settings.name());
        if (running != null) {
            // A settings service registered while this component activates can be bound twice
            // (found among the services there, and announced by its event): the second bind is
            // the same server's settings, not a second server on its addresses.
            running.apply(settings.adjustments());
            return;
        }
        Server server = new Server(settings.name(), settings.adjustments(), () -> mounts, logger, accessLogger,
                ListenerHandover.claim(context, settings.name()), identity);
        try {
            server.start();
            servers.put(settings.name(), server);
            settingsByName.put(settings.name(), settings);
        } catch (IOException e) {
            // an address taken or not ours to bind: the message says all an operator needs
            logger.error("Server {} not started: {}", settings.name(), e.getMessage());
        } catch (RuntimeException e) {
            logger.error("Server {} not started: {}", settings.name(), e.getMessage(), e);
        }
    }

    synchronized void updatedSettings(ServerSettings settings) {
        Server server = servers.get(settings.name());
        if (server == null) {
            addSettings(settings);
        } else {
            server.apply(settings.adjustments());
        }
    }

    synchronized void removeSettings(ServerSettings settings) {
        Server server = servers.remove(settings.name());
        settingsByName.remove(settings.name());
        if (server != null) {
            server.stop();
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, updated = "updatedApplication",
            unbind = "removeApplication")
    synchronized void addApplication(HttpApplication application, Map<String, Object> properties) {
        List<MountPoint> points = mountPoints(application, properties);
        if (!points.isEmpty()) {
            names.put(application, describe(application, properties));
            applications.put(application, points);
            publish();
        }
    }

    synchronized void updatedApplication(HttpApplication application, Map<String, Object> properties) {
        List<MountPoint> points = mountPoints(application, properties);
        if (points.isEmpty()) {
            applications.remove(application);
            names.remove(application);
        } else {
            names.put(application, describe(application, properties));
            applications.put(application, points);
        }
        publish();
    }

    synchronized void removeApplication(HttpApplication application) {
        if (applications.remove(application) != null) {
            names.remove(application);
            publish();
        }
    }

    @Override
    public List<ServerStatus> servers() {
        // outside the lock: a snapshot waits for every loop, and settings may change meanwhile
        Mounts current = mounts;
        return running().stream().map(server -> StatusSnapshots.of(server, settingsOf(server.name()), current,
                application -> names.getOrDefault(application, application.getClass().getName()))).toList();
    }

    @Override
    public List<ConnectionStatus> connections() {
        return running().stream().flatMap(server -> StatusSnapshots.connections(server).stream()).toList();
    }

    @Override
    public List<String> serverNames() {
        return running().stream().map(Server::name).toList();
    }

    /** The running servers, by name. */
    private synchronized List<Server> running() {
        return servers.values().stream().sorted(Comparator.comparing(Server::name)).toList();
    }

    private synchronized ServerSettings settingsOf(String name) {
        return settingsByName.get(name);
    }

    private void publish() {
        mounts = new Mounts(applications.values().stream().flatMap(List::stream).toList());
    }

    private List<MountPoint> mountPoints(HttpApplication application, Map<String, Object> properties) {
        Set<String> prefixes = new LinkedHashSet<>();
        for (String raw : strings(properties.get(Mount.PROPERTY))) {
            String prefix = Mounts.normalise(raw);
            if (prefix == null) {
                logger.error("Application {} not mounted at {}: a mount starts with / and has no empty, . or .. "
                        + "segment", describe(application, properties), raw);
            } else {
                prefixes.add(prefix);
            }
        }
        if (prefixes.isEmpty()) {
            if (!properties.containsKey(Mount.PROPERTY)) {
                logger.warn("Application {} has no {} property; not mounted", describe(application, properties),
                        Mount.PROPERTY);
            }
            return List.of();
        }
        Object rankingValue = properties.get(Constants.SERVICE_RANKING);
        int ranking = rankingValue instanceof Integer i ? i : 0;
        long serviceId = properties.get(Constants.SERVICE_ID) instanceof Long id ? id : Long.MAX_VALUE;
        Set<String> on = Set.copyOf(strings(properties.get(Mount.SERVER_PROPERTY)));
        boolean nonblocking = flag(properties.get(Nonblocking.PROPERTY));
        boolean streaming = flag(properties.get(Streaming.PROPERTY));
        return prefixes.stream()
                .map(p -> new MountPoint(p, application, ranking, serviceId, on, nonblocking, streaming))
                .toList();
    }

    private static boolean flag(Object value) {
        return Boolean.TRUE.equals(value) || "true".equalsIgnoreCase(String.valueOf(value));
    }

    private static String describe(HttpApplication application, Map<String, Object> properties) {
        Object name = properties.get("component.name");
        return name != null ? name.toString() : application.getClass().getName();
    }

    private static List<String> strings(Object value) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof String[] array) {
            return Arrays.asList(array);
        }
        if (value instanceof java.util.Collection<?> c) {
            return c.stream().map(String::valueOf).toList();
        }
        return List.of(value.toString());
    }
}

package dev.usher.config.internal;

import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.Map;
import java.util.Optional;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ManagedService;
import org.osgi.service.cm.ManagedServiceFactory;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

import dev.usher.config.Adjustments;
import dev.usher.config.FrameworkProperties;
import dev.usher.config.InvalidSettingException;
import dev.usher.config.ServerSettings;
import dev.usher.config.UnconfiguredServers;

/**
 * Turns Config Admin configurations into {@link ServerSettings} services: PID
 * {@value ServerSettings#PID} into the default server's, each factory configuration of it into a named
 * server's.
 *
 * <p>It listens as a {@link ManagedService} and a {@link ManagedServiceFactory} rather than
 * through SCR's component configuration, because it needs what SCR does not give: the default
 * server runs on defaults when no configuration exists (unless the framework property
 * {@value FrameworkProperties#DEFAULT_SERVER} is {@code false}), named servers live beside it, and a bad
 * configuration keeps the last good settings instead of deactivating anything.
 *
 * <p>What "no configuration" means can be told by an {@link UnconfiguredServers} service (the
 * runtime's control bundle registers one, so that deleting a configuration returns a server to
 * the command line's settings): when Config Admin says a server has no configuration, its answer
 * replaces the rule above. The managed services are registered once the component is activated,
 * after SCR has bound such a service, so Config Admin's first word is already answered by it.
 */
@Component(immediate = true)
public final class ServerConfigurations {


    private static final String REVISION_PROPERTY = "usher.server.revision";

    private final BundleContext context;
    private final Logger logger;
    private final boolean defaultServer;
    private final Map<String, Published> published = new HashMap<>();
    private ServiceRegistration<?> singleton;
    private ServiceRegistration<?> factory;
    private ServiceRegistration<?> metaType;
    private boolean closed;

    /** What a server runs on without configuration, if a bundle says so. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile UnconfiguredServers unconfiguredServers;

    @Activate
    public ServerConfigurations(BundleContext context,
            @Reference(service = LoggerFactory.class) Logger logger) {
        this.context = context;
        this.logger = logger;
        this.defaultServer = !"false".equalsIgnoreCase(context.getProperty(FrameworkProperties.DEFAULT_SERVER));
    }

    /** After the constructor and the binding of {@link #unconfiguredServers}: listens to Config Admin. */
    @Activate
    void activate() {
        singleton = context.registerService(ManagedService.class, this::updatedDefault, pidProperties());
        factory = context.registerService(ManagedServiceFactory.class, new Factory(), pidProperties());
        if (MetaTypeApi.wired(context)) {
            metaType = ServerMetaType.register(context);
        }
    }

    @Deactivate
    void deactivate() {
        singleton.unregister();
        factory.unregister();
        if (metaType != null) {
            metaType.unregister();
        }
        synchronized (this) {
            closed = true;
            published.values().forEach(Published::unregister);
            published.clear();
        }
    }

    private void updatedDefault(Dictionary<String, ?> properties) {
        if (properties == null) {
            unconfigured(ServerSettings.PID, ServerSettings.DEFAULT_NAME);
        } else {
            apply(ServerSettings.PID, ServerSettings.DEFAULT_NAME, toMap(properties));
        }
    }

    /**
     * Config Admin holds no configuration for {@code pid}: the server runs on what the {@link
     * UnconfiguredServers} service answers, or stops if it answers none; without the service (or
     * if it fails), the default server runs on defaults unless {@value FrameworkProperties#DEFAULT_SERVER}
     * is {@code false}, and a named server stops.
     */
    private void unconfigured(String pid, String name) {
        Map<String, Object> properties = null;
        boolean answered = false;
        UnconfiguredServers servers = unconfiguredServers;
        if (servers != null) {
            try {
                Optional<Map<String, Object>> answer = servers.properties(pid);
                if (answer.isPresent()) {
                    properties = new HashMap<>();
                    for (Map.Entry<String, Object> entry : answer.get().entrySet()) {
                        if (entry.getValue() != null) {
                            properties.put(entry.getKey(), entry.getValue());
                        }
                    }
                }
                answered = true;
            } catch (RuntimeException e) {
                logger.error("Configuration {}: none, and {} cannot say what the server runs on without one: {}",
                        pid, servers, e.toString(), e);
            }
        }
        if (!answered && ServerSettings.PID.equals(pid) && defaultServer) {
            properties = Map.of();
        }
        if (properties == null) {
            remove(pid);
        } else {
            apply(pid, name, properties);
        }
    }

    private synchronized void apply(String pid, String name, Map<String, Object> properties) {
        if (closed) {
            return;
        }
        for (String unknown : Adjustments.unknownProperties(properties)) {
            logger.warn("Configuration {}: unknown property {} is ignored", pid, unknown);
        }
        Adjustments adjustments;
        try {
            adjustments = Adjustments.parse(properties);
        } catch (InvalidSettingException e) {
            Published current = published.get(pid);
            logger.error("Configuration {}: {}; {}", pid, e.getMessage(),
                    current == null ? "server " + name + " not started" : "server " + name + " keeps its settings");
            if (current != null) {
                current.refused(e.getMessage());
            }
            return;
        }
        Published current = published.get(pid);
        if (current == null) {
            published.put(pid, new Published(name, adjustments));
        } else {
            current.update(adjustments);
        }
    }

    private synchronized void remove(String pid) {
        Published gone = published.remove(pid);
        if (gone != null) {
            gone.unregister();
        }
    }

    private static Map<String, Object> toMap(Dictionary<String, ?> properties) {
        Map<String, Object> map = new HashMap<>();
        for (var keys = properties.keys(); keys.hasMoreElements(); ) {
            String key = keys.nextElement();
            map.put(key, properties.get(key));
        }
        return map;
    }

    private static Dictionary<String, Object> pidProperties() {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(Constants.SERVICE_PID, ServerSettings.PID);
        return properties;
    }

    /** The name of a factory configuration: what follows {@code ~} in its PID. */
    static String factoryName(String pid) {
        int tilde = pid.indexOf('~');
        return tilde >= 0 ? pid.substring(tilde + 1) : pid;
    }

    private final class Factory implements ManagedServiceFactory {

        @Override
        public String getName() {
            return "Usher servers";
        }

        @Override
        public void updated(String pid, Dictionary<String, ?> properties) {
            apply(pid, factoryName(pid), toMap(properties));
        }

        @Override
        public void deleted(String pid) {
            unconfigured(pid, factoryName(pid));
        }
    }

    /** One registered {@link ServerSettings}. */
    private final class Published implements ServerSettings {

        private final String name;
        private volatile Adjustments adjustments;
        private final ServiceRegistration<ServerSettings> registration;
        private long revision;
        private volatile long refused;
        private volatile String lastRefusal;

        Published(String name, Adjustments adjustments) {
            this.name = name;
            this.adjustments = adjustments;
            this.registration = context.registerService(ServerSettings.class, this, properties());
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Adjustments adjustments() {
            return adjustments;
        }

        @Override
        public long refusedChanges() {
            return refused;
        }

        @Override
        public String lastRefusal() {
            return lastRefusal;
        }

        /** A configuration was refused; the settings in force stay. Under the component's lock. */
        void refused(String why) {
            lastRefusal = why;
            refused++;
        }

        void update(Adjustments next) {
            // the same TLS settings, written again (HUP), ask the server to read the files anew
            if (next.equals(adjustments) && !next.tls().enabled()) {
                return;
            }
            adjustments = next;
            revision++;
            registration.setProperties(properties());
        }

        void unregister() {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework unregisters a stopping bundle's services itself
            }
        }

        private Dictionary<String, Object> properties() {
            Hashtable<String, Object> properties = new Hashtable<>();
            properties.put(NAME_PROPERTY, name);
            properties.put(REVISION_PROPERTY, revision);
            return properties;
        }

        @Override
        public String toString() {
            return "server " + name;
        }
    }
}

package dev.usher.status;

import java.util.Arrays;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

import dev.usher.api.HttpApplication;
import dev.usher.api.Mount;
import dev.usher.config.AllowedPeers;
import dev.usher.config.InvalidSettingException;
import dev.usher.dispatcher.monitor.ServerMonitor;

/**
 * Mounts the {@link StatusApplication} as its configuration says, and only while one exists:
 * the status tells an attacker the server's inside, so it is off until an operator asks for it,
 * and then answers loopback clients only unless {@code allow_ips} lists more. A configuration it
 * cannot use is logged naming the property, and nothing is mounted until it is fixed.
 */
@Component(configurationPid = StatusEndpoint.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = StatusConfiguration.class)
public final class StatusEndpoint {

    /** The configuration's PID. */
    public static final String PID = "dev.usher.status";

    private final BundleContext context;
    private final ServerMonitor monitor;
    private final Logger logger;
    private ServiceRegistration<HttpApplication> registration;

    @Activate
    public StatusEndpoint(BundleContext context, @Reference ServerMonitor monitor,
            @Reference(service = LoggerFactory.class) Logger logger, StatusConfiguration configuration) {
        this.context = context;
        this.monitor = monitor;
        this.logger = logger;
        mount(configuration);
    }

    @Modified
    synchronized void modified(StatusConfiguration configuration) {
        unmount();
        mount(configuration);
    }

    @Deactivate
    synchronized void deactivate() {
        unmount();
    }

    private synchronized void mount(StatusConfiguration configuration) {
        StatusSettings settings;
        try {
            settings = StatusSettings.read(configuration);
        } catch (InvalidSettingException e) {
            logger.error("Configuration {}: {}; the status is not mounted", PID, e.getMessage());
            return;
        }
        Dictionary<String, Object> service = new Hashtable<>();
        service.put(Mount.PROPERTY, settings.mount());
        if (!settings.servers().isEmpty()) {
            service.put(Mount.SERVER_PROPERTY, settings.servers().toArray(String[]::new));
        }
        service.put("component.name", StatusApplication.class.getName());
        registration = context.registerService(HttpApplication.class,
                new StatusApplication(monitor, settings.allowed()), service);
        logger.info("Status mounted at {} on {}, for clients {}", settings.mount(),
                settings.servers().isEmpty() ? "every server" : settings.servers(), settings.allowed().entries());
    }

    private void unmount() {
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework unregisters a stopping bundle's services itself
            }
            registration = null;
        }
    }

    /**
     * A configuration read and checked.
     *
     * @param mount the mount prefix
     * @param servers the servers it is mounted on; empty for all
     * @param allowed the clients it answers
     */
    record StatusSettings(String mount, List<String> servers, AllowedPeers allowed) {

        static StatusSettings read(StatusConfiguration configuration) throws InvalidSettingException {
            String mount = configuration.mount().trim();
            String path = mount.length() > 1 && mount.endsWith("/") ? mount.substring(0, mount.length() - 1) : mount;
            boolean badSegment = path.length() > 1 && Arrays.stream(path.substring(1).split("/", -1))
                    .anyMatch(segment -> segment.isEmpty() || segment.equals(".") || segment.equals(".."));
            if (!path.startsWith("/") || badSegment) {
                throw new InvalidSettingException("mount", configuration.mount(),
                        "a mount starts with / and has no empty, . or .. segment");
            }
            List<String> servers = Arrays.stream(configuration.server()).flatMap(s -> Arrays.stream(s.split("[\\s,]+")))
                    .filter(name -> !name.isEmpty()).toList();
            return new StatusSettings(path, servers, AllowedPeers.parse("allow_ips", configuration.allow__ips()));
        }
    }
}

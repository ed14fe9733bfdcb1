package dev.usher.servlet;

import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.servlet.Filter;
import jakarta.servlet.Servlet;

import org.osgi.annotation.bundle.Capability;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceFactory;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.servlet.context.ServletContextHelper;
import org.osgi.service.servlet.runtime.HttpServiceRuntime;
import org.osgi.service.servlet.whiteboard.HttpWhiteboardConstants;
import org.osgi.service.servlet.whiteboard.Preprocessor;
import org.osgi.util.tracker.ServiceTracker;
import org.osgi.util.tracker.ServiceTrackerCustomizer;

import dev.usher.dispatcher.monitor.ServerMonitor;
import dev.usher.dispatcher.monitor.ServerStatus;

/**
 * The whiteboard's component: registers the default context and the {@code HttpServiceRuntime},
 * tracks the whiteboard services, and keeps the {@link Whiteboard} informed. It provides the
 * {@code osgi.implementation=osgi.http} capability, so bundles that declare
 * {@code @RequireHttpWhiteboard} resolve against Usher.
 */
@Component(immediate = true, configurationPid = ServletWhiteboard.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = WhiteboardConfiguration.class)
@Capability(namespace = "osgi.implementation", name = HttpWhiteboardConstants.HTTP_WHITEBOARD_IMPLEMENTATION,
        version = HttpWhiteboardConstants.HTTP_WHITEBOARD_SPECIFICATION_VERSION,
        uses = {jakarta.servlet.Servlet.class, jakarta.servlet.http.HttpServlet.class, ServletContextHelper.class,
            HttpWhiteboardConstants.class, HttpServiceRuntime.class})
@Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=org.osgi.service.servlet.runtime.HttpServiceRuntime",
        uses = HttpServiceRuntime.class)
public final class ServletWhiteboard {

    /** The configuration's PID. */
    public static final String PID = "dev.usher.servlet";

    private final BundleContext context;
    private final Logger log;
    private final WhiteboardThreads threads;
    private final RuntimeService runtime;
    private final Whiteboard whiteboard;
    private final ServiceRegistration<ServletContextHelper> defaultContext;
    private final List<ServiceTracker<?, ?>> trackers = new ArrayList<>();

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ServerMonitor monitor;

    private volatile List<String> servers;

    /** Starts the whiteboard: the runtime service first, since target filters are matched against it. */
    @Activate
    public ServletWhiteboard(BundleContext context, @Reference(service = LoggerFactory.class) Logger log,
            WhiteboardConfiguration configuration) {
        this.context = context;
        this.log = log;
        this.servers = List.of(configuration.server());
        this.threads = new WhiteboardThreads(Executors.newSingleThreadScheduledExecutor(named("usher-servlet-timer")),
                new ThreadPoolExecutor(0, 64, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), named("usher-servlet-async")));
        this.runtime = new RuntimeService(this::endpoints);
        this.whiteboard = new Whiteboard(context, log, threads, runtime);
        whiteboard.sessions().defaultTimeoutMinutes(configuration.session_timeout());
        whiteboard.servers(servers);
        runtime.register(context, whiteboard);
        this.defaultContext = registerDefaultContext(context);
        track(WhiteboardService.Kind.CONTEXT, "(&(" + Constants.OBJECTCLASS + "=" + ServletContextHelper.class.getName()
                + ")(" + HttpWhiteboardConstants.HTTP_WHITEBOARD_CONTEXT_NAME + "=*))");
        track(WhiteboardService.Kind.LISTENER, "(" + HttpWhiteboardConstants.HTTP_WHITEBOARD_LISTENER + "=*)");
        track(WhiteboardService.Kind.FILTER, "(&(" + Constants.OBJECTCLASS + "=" + Filter.class.getName() + ")(|("
                + HttpWhiteboardConstants.HTTP_WHITEBOARD_FILTER_PATTERN + "=*)(" + HttpWhiteboardConstants.HTTP_WHITEBOARD_FILTER_REGEX
                + "=*)(" + HttpWhiteboardConstants.HTTP_WHITEBOARD_FILTER_SERVLET + "=*)))");
        track(WhiteboardService.Kind.SERVLET, "(&(" + Constants.OBJECTCLASS + "=" + Servlet.class.getName() + ")(|("
                + HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_PATTERN + "=*)(" + HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_ERROR_PAGE
                + "=*)(" + HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_NAME + "=*)))");
        track(WhiteboardService.Kind.RESOURCE, "(&(" + HttpWhiteboardConstants.HTTP_WHITEBOARD_RESOURCE_PATTERN + "=*)("
                + HttpWhiteboardConstants.HTTP_WHITEBOARD_RESOURCE_PREFIX + "=*))");
        track(WhiteboardService.Kind.PREPROCESSOR, "(" + Constants.OBJECTCLASS + "=" + Preprocessor.class.getName() + ")");
        threads.timer().scheduleWithFixedDelay(this::housekeeping, 10, 10, TimeUnit.SECONDS);
    }

    /** A new configuration: the servers to mount on, the session timeout; nothing is restarted. */
    @Modified
    void modified(WhiteboardConfiguration configuration) {
        whiteboard.sessions().defaultTimeoutMinutes(configuration.session_timeout());
        List<String> now = List.of(configuration.server());
        if (!now.equals(servers)) {
            servers = now;
            whiteboard.servers(now);
            runtime.refresh();
        }
    }

    @Deactivate
    void deactivate() {
        for (ServiceTracker<?, ?> tracker : trackers) {
            tracker.close();
        }
        whiteboard.close();
        try {
            defaultContext.unregister();
        } catch (IllegalStateException e) {
            // the framework took it down already
        }
        runtime.unregister();
        threads.shutdown();
    }

    private void housekeeping() {
        try {
            whiteboard.sessions().expire(System.currentTimeMillis());
            if (runtime.refresh()) {
                whiteboard.changed(); // the targets are matched against the new endpoints
            }
        } catch (RuntimeException e) {
            log.warn("Servlet whiteboard housekeeping failed", e);
        }
    }

    /** The URLs the servers the whiteboard mounts on listen at, each ending in {@code /}. */
    private List<String> endpoints() {
        ServerMonitor current = monitor;
        if (current == null) {
            return List.of();
        }
        List<String> urls = new ArrayList<>();
        List<String> names = servers;
        try {
            for (ServerStatus server : current.servers()) {
                if (names.isEmpty() || names.contains(server.name())) {
                    for (String url : server.listeners()) {
                        urls.add(url.endsWith("/") ? url : url + "/");
                    }
                }
            }
        } catch (RuntimeException e) {
            log.debug("Could not read the servers' addresses", e);
        }
        return urls;
    }

    private void track(WhiteboardService.Kind kind, String filter) {
        ServiceTracker<Object, ServiceReference<Object>> tracker;
        try {
            tracker = new ServiceTracker<>(context, context.createFilter(filter),
                    new ServiceTrackerCustomizer<Object, ServiceReference<Object>>() {
                        @Override
                        public ServiceReference<Object> addingService(ServiceReference<Object> reference) {
                            whiteboard.put(reference, kind);
                            return reference;
                        }

                        @Override
                        public void modifiedService(ServiceReference<Object> reference, ServiceReference<Object> tracked) {
                            whiteboard.put(reference, kind);
                        }

                        @Override
                        public void removedService(ServiceReference<Object> reference, ServiceReference<Object> tracked) {
                            whiteboard.remove(reference, kind);
                        }
                    });
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(filter, e);
        }
        tracker.open(true);
        trackers.add(tracker);
    }

    /**
     * The {@code default} context at {@code /}, ranked lowest so that any other context named
     * {@code default} replaces it; a service factory, since each bundle's default context finds
     * resources in that bundle.
     */
    private static ServiceRegistration<ServletContextHelper> registerDefaultContext(BundleContext context) {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_CONTEXT_NAME, HttpWhiteboardConstants.HTTP_WHITEBOARD_DEFAULT_CONTEXT_NAME);
        properties.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_CONTEXT_PATH, "/");
        properties.put(Constants.SERVICE_RANKING, Integer.MIN_VALUE);
        return context.registerService(ServletContextHelper.class, new ServiceFactory<ServletContextHelper>() {
            @Override
            public ServletContextHelper getService(Bundle bundle, ServiceRegistration<ServletContextHelper> registration) {
                return new ServletContextHelper(bundle) {
                };
            }

            @Override
            public void ungetService(Bundle bundle, ServiceRegistration<ServletContextHelper> registration,
                    ServletContextHelper service) {
            }
        }, properties);
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return run -> {
            Thread thread = new Thread(run, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}

package dev.usher.servlet;

import static org.osgi.service.servlet.runtime.dto.DTOConstants.*;

import java.util.ArrayList;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Filter;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.log.Logger;
import org.osgi.service.servlet.whiteboard.Preprocessor;

import dev.usher.api.HttpApplication;
import dev.usher.api.Mount;
import dev.usher.servlet.WhiteboardService.ContextService;
import dev.usher.servlet.WhiteboardService.PreprocessorService;

/**
 * The whiteboard's state: the services it tracks, and what they amount to. Each change (a
 * service registered, modified or unregistered) reconciles the whole picture: which contexts
 * win their names, which services join which contexts, which servlets win their patterns.
 * What did not change stays initialised; what did is initialised or destroyed; the result is
 * published as an immutable routing, and Usher mounts an application at each prefix the
 * contexts' patterns need ({@link MountPrefixes}), so that native applications and servlets
 * share the path space by Usher's longest-prefix rule.
 * Because the outcome depends only on the set of services, the order they come and go in
 * never matters.
 *
 * <p>One thread reconciles at a time. A change made while another thread reconciles is picked
 * up by that thread before it finishes, and the changing thread waits for it, so a service
 * that was unregistered is out of use when its unregistration returns.
 */
final class Whiteboard {

    /** A tracked service: the same service may be tracked as two kinds (a servlet and a resource). */
    record Key(ServiceReference<?> reference, WhiteboardService.Kind kind) {
    }

    private final BundleContext bundleContext;
    private final Logger log;
    private final Sessions sessions = new Sessions();
    private final WhiteboardThreads threads;
    private final RuntimeService runtimeService;
    private final Map<Key, WhiteboardService> services = new LinkedHashMap<>();
    private final Map<Key, Invalid> invalid = new LinkedHashMap<>();
    private final Map<ContextService, ContextRuntime> contexts = new LinkedHashMap<>();
    private final Map<PreprocessorService, ActivePreprocessor> preprocessors = new LinkedHashMap<>();
    private final Map<String, ServiceRegistration<HttpApplication>> mounts = new HashMap<>();
    private final Map<String, String> mountedContext = new HashMap<>();
    private List<Failure> failures = List.of();
    private List<String> servers = List.of();
    private volatile Map<String, List<ContextRuntime>> byPath = Map.of();
    private volatile List<ActivePreprocessor> preprocessorChain = List.of();

    /** A service whose properties could not be read, and why. */
    record Invalid(ServiceReference<?> reference, WhiteboardService.Kind kind, String message) {
    }

    // the reconciling protocol: requested counts changes, done the changes reconciled
    private final Object lock = new Object();
    private long requested;
    private long done;
    private Thread reconciler;
    private boolean closed;

    Whiteboard(BundleContext bundleContext, Logger log, WhiteboardThreads threads, RuntimeService runtimeService) {
        this.bundleContext = bundleContext;
        this.log = log;
        this.threads = threads;
        this.runtimeService = runtimeService;
    }

    Sessions sessions() {
        return sessions;
    }

    /** The contexts serving {@code path}, best ranked first; empty when none does. */
    List<ContextRuntime> contextsAt(String path) {
        return byPath.getOrDefault(path, List.of());
    }

    /** The preprocessors, in the order they run. */
    List<ActivePreprocessor> preprocessors() {
        return preprocessorChain;
    }

    /** The servers the applications mount on; empty for all. */
    void servers(List<String> names) {
        synchronized (lock) {
            servers = List.copyOf(names);
            for (ServiceRegistration<HttpApplication> registration : mounts.values()) {
                try {
                    registration.unregister();
                } catch (IllegalStateException e) {
                    // unregistered already
                }
            }
            mounts.clear();
            mountedContext.clear();
        }
        changed();
    }

    /** A tracked service appeared or changed. */
    void put(ServiceReference<?> reference, WhiteboardService.Kind kind) {
        if (kind == WhiteboardService.Kind.LISTENER && WhiteboardService.ListenerService.optedOut(reference)) {
            // listener=false is exactly as if the property were missing (140.7): not tracked, no failure
            remove(reference, kind);
            return;
        }
        Key key = new Key(reference, kind);
        synchronized (lock) {
            services.remove(key);
            invalid.remove(key);
            try {
                services.put(key, WhiteboardService.read(reference, kind));
            } catch (InvalidServiceException e) {
                log.warn("Whiteboard service {} ignored: {}", ServiceProperties.id(reference), e.getMessage());
                invalid.put(key, new Invalid(reference, kind, e.getMessage()));
            }
        }
        changed();
    }

    /** A tracked service went away. */
    void remove(ServiceReference<?> reference, WhiteboardService.Kind kind) {
        Key key = new Key(reference, kind);
        synchronized (lock) {
            services.remove(key);
            invalid.remove(key);
        }
        changed();
    }

    /** Reconciles now, or waits for the thread that is reconciling to take this change in. */
    void changed() {
        long mine;
        synchronized (lock) {
            mine = ++requested;
            if (reconciler == Thread.currentThread()) {
                return; // a servlet's init registered or unregistered a service: the loop below takes it
            }
            while (reconciler != null && done < mine) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            if (done >= mine || closed) {
                return;
            }
            reconciler = Thread.currentThread();
        }
        try {
            while (true) {
                long target;
                Map<Key, WhiteboardService> snapshot;
                List<String> serverNames;
                synchronized (lock) {
                    if (done >= requested || closed) {
                        break;
                    }
                    target = requested;
                    snapshot = new LinkedHashMap<>(services);
                    serverNames = servers;
                }
                try {
                    reconcile(snapshot, serverNames);
                } catch (RuntimeException e) {
                    log.error("The servlet whiteboard failed to apply a change", e);
                }
                synchronized (lock) {
                    done = target;
                }
            }
        } finally {
            synchronized (lock) {
                reconciler = null;
                lock.notifyAll();
            }
        }
    }

    /** Ends every context and mount: the whiteboard stops. */
    void close() {
        synchronized (lock) {
            while (reconciler != null) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            closed = true;
            reconciler = Thread.currentThread();
        }
        try {
            synchronized (this) {
                for (ServiceRegistration<HttpApplication> registration : mounts.values()) {
                    try {
                        registration.unregister();
                    } catch (IllegalStateException e) {
                        // the framework took it down already
                    }
                }
                mounts.clear();
                mountedContext.clear();
                byPath = Map.of();
                preprocessorChain = List.of();
                for (ActivePreprocessor active : preprocessors.values()) {
                    stopPreprocessor(active);
                }
                preprocessors.clear();
                for (ContextRuntime runtime : contexts.values()) {
                    runtime.shutdown();
                }
                contexts.clear();
            }
        } finally {
            synchronized (lock) {
                reconciler = null;
                lock.notifyAll();
            }
        }
    }

    /** One pass over every service; synchronized so that the runtime DTOs see a whole pass. */
    private synchronized void reconcile(Map<Key, WhiteboardService> snapshot, List<String> serverNames) {
        List<Failure> failed = new ArrayList<>();
        Map<String, Object> runtimeProperties = runtimeService.properties();

        // the services this whiteboard is the target of
        List<WhiteboardService> mine = new ArrayList<>();
        for (WhiteboardService service : snapshot.values()) {
            if (targets(service.reference(), runtimeProperties)) {
                mine.add(service);
            }
        }
        mine.sort(ContextRuntime.BEST_FIRST);

        // contexts: the best of each name wins
        Map<String, ContextService> winners = new LinkedHashMap<>();
        for (WhiteboardService service : mine) {
            if (service instanceof ContextService context) {
                if (winners.containsKey(context.name())) {
                    failed.add(new Failure(context, FAILURE_REASON_SHADOWED_BY_OTHER_SERVICE, 0));
                } else {
                    winners.put(context.name(), context);
                }
            }
        }
        List<ContextRuntime> gone = new ArrayList<>();
        for (var it = contexts.entrySet().iterator(); it.hasNext();) {
            var entry = it.next();
            if (!winners.containsValue(entry.getKey())) {
                gone.add(entry.getValue());
                it.remove();
            }
        }
        for (ContextService context : winners.values()) {
            if (!contexts.containsKey(context)) {
                ContextRuntime runtime = new ContextRuntime(context, bundleContext, log, sessions, threads);
                if (runtime.open()) {
                    contexts.put(context, runtime);
                } else {
                    runtime.shutdown(); // gives back what opening took (its temporary directory)
                    failed.add(new Failure(context, FAILURE_REASON_SERVLET_CONTEXT_FAILURE, 0));
                }
            }
        }

        // members: every other service joins each context its select matches
        Map<ContextRuntime, List<WhiteboardService>> members = new LinkedHashMap<>();
        for (ContextRuntime runtime : contexts.values()) {
            members.put(runtime, new ArrayList<>());
        }
        List<PreprocessorService> wantedPreprocessors = new ArrayList<>();
        for (WhiteboardService service : mine) {
            if (service instanceof ContextService) {
                continue;
            }
            if (service instanceof PreprocessorService p) {
                wantedPreprocessors.add(p);
                continue;
            }
            boolean joined = false;
            Filter select = service.select();
            for (ContextRuntime runtime : contexts.values()) {
                if (select.match(runtime.service().reference())) {
                    members.get(runtime).add(service);
                    joined = true;
                }
            }
            if (!joined) {
                failed.add(new Failure(service, FAILURE_REASON_NO_SERVLET_CONTEXT_MATCHING, 0));
            }
        }
        for (var entry : members.entrySet()) {
            failed.addAll(entry.getKey().reconcile(entry.getValue()));
        }
        // a preprocessor runs before any context is chosen: its FilterConfig has the default context (140.5.1)
        ContextRuntime backing = contexts.get(winners.get(
                org.osgi.service.servlet.whiteboard.HttpWhiteboardConstants.HTTP_WHITEBOARD_DEFAULT_CONTEXT_NAME));
        List<ActivePreprocessor> stoppedPreprocessors = reconcilePreprocessors(wantedPreprocessors,
                backing == null ? null : backing.anyView(), failed);

        // publish: requests see the new contexts from here on
        Map<String, List<ContextRuntime>> paths = new HashMap<>();
        for (ContextRuntime runtime : contexts.values()) {
            paths.computeIfAbsent(runtime.service().path(), p -> new ArrayList<>()).add(runtime);
        }
        paths.values().forEach(list -> list.sort((a, b) -> ContextRuntime.BEST_FIRST.compare(a.service(), b.service())));
        paths.replaceAll((path, list) -> List.copyOf(list));
        byPath = Map.copyOf(paths);
        List<ActivePreprocessor> chain = new ArrayList<>(preprocessors.values());
        chain.sort((a, b) -> ContextRuntime.BEST_FIRST.compare(a.service(), b.service()));
        preprocessorChain = List.copyOf(chain);
        mount(MountPrefixes.of(contexts.values()), serverNames);

        for (ContextRuntime runtime : gone) {
            runtime.shutdown();
        }
        for (ActivePreprocessor active : stoppedPreprocessors) {
            stopPreprocessor(active);
        }
        failures = List.copyOf(failed);
        if (runtimeService.changed()) {
            // the endpoints moved (a server started since): the targets were matched against the
            // old ones, so this pass is done again; changed() on this thread only asks for it
            changed();
        }
    }

    /** Whether {@code osgi.http.whiteboard.target}, if any, selects this whiteboard. */
    private boolean targets(ServiceReference<?> reference, Map<String, Object> runtimeProperties) {
        String target = ServiceProperties.string(reference, org.osgi.service.servlet.whiteboard.HttpWhiteboardConstants.HTTP_WHITEBOARD_TARGET);
        if (target == null) {
            return true;
        }
        try {
            return bundleContext.createFilter(target).matches(runtimeProperties);
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            return false;
        }
    }

    /** @param backing what a new preprocessor's {@code FilterConfig.getServletContext()} returns */
    private List<ActivePreprocessor> reconcilePreprocessors(List<PreprocessorService> wanted,
            jakarta.servlet.ServletContext backing, List<Failure> failed) {
        List<ActivePreprocessor> stopped = new ArrayList<>();
        for (var it = preprocessors.entrySet().iterator(); it.hasNext();) {
            var entry = it.next();
            if (!wanted.contains(entry.getKey())) {
                stopped.add(entry.getValue());
                it.remove();
            }
        }
        for (PreprocessorService service : wanted) {
            if (preprocessors.containsKey(service)) {
                continue;
            }
            Object instance = ServiceInstances.get(bundleContext, service, log);
            if (!(instance instanceof Preprocessor preprocessor)) {
                failed.add(new Failure(service, FAILURE_REASON_SERVICE_NOT_GETTABLE, 0));
                continue;
            }
            try {
                preprocessor.init(new InitConfig(preprocessor.getClass().getName(), backing, service.initParams()));
            } catch (Exception | LinkageError e) {
                log.error("Preprocessor {} failed in init", service.id(), e);
                ServiceInstances.unget(bundleContext, service, preprocessor);
                failed.add(new Failure(service, FAILURE_REASON_EXCEPTION_ON_INIT, 0));
                continue;
            }
            preprocessors.put(service, new ActivePreprocessor(service, preprocessor));
        }
        return stopped;
    }

    private void stopPreprocessor(ActivePreprocessor active) {
        try {
            active.preprocessor().destroy();
        } catch (RuntimeException e) {
            log.warn("Preprocessor {} failed in destroy", active.service().id(), e);
        }
        ServiceInstances.unget(bundleContext, active.service(), active.preprocessor());
    }

    /**
     * Registers an Usher application at each mount prefix (with the context path it serves), and
     * unregisters those no longer wanted.
     */
    private void mount(Map<String, String> prefixes, List<String> serverNames) {
        for (var it = mounts.entrySet().iterator(); it.hasNext();) {
            var entry = it.next();
            String contextPath = prefixes.get(entry.getKey());
            if (contextPath == null || !contextPath.equals(mountedContext.get(entry.getKey()))) {
                try {
                    entry.getValue().unregister();
                } catch (IllegalStateException e) {
                    // unregistered already
                }
                it.remove();
                mountedContext.remove(entry.getKey());
            }
        }
        prefixes.forEach((prefix, contextPath) -> {
            if (!mounts.containsKey(prefix)) {
                Dictionary<String, Object> properties = new Hashtable<>();
                properties.put(Mount.PROPERTY, prefix.isEmpty() ? "/" : prefix);
                if (MountPrefixes.contextRoot(prefix, contextPath)) {
                    properties.put(org.osgi.framework.Constants.SERVICE_RANKING, Integer.MIN_VALUE);
                }
                if (!serverNames.isEmpty()) {
                    properties.put(Mount.SERVER_PROPERTY, serverNames.toArray(String[]::new));
                }
                mounts.put(prefix, bundleContext.registerService(HttpApplication.class,
                        new ContextPathApplication(this, contextPath, prefix), properties));
                mountedContext.put(prefix, contextPath);
            }
        });
    }

    // ---- what the runtime service reports

    /** The state as DTOs need it, taken whole between two reconciles. */
    synchronized <T> T read(java.util.function.Function<View, T> reader) {
        List<Invalid> invalids;
        synchronized (lock) {
            invalids = List.copyOf(invalid.values());
        }
        return reader.apply(new View(List.copyOf(contexts.values()), List.copyOf(preprocessors.values()), failures,
                invalids, sessions));
    }

    /**
     * The whiteboard as the runtime DTOs describe it.
     *
     * @param invalid the services whose properties could not be read
     */
    record View(List<ContextRuntime> contexts, List<ActivePreprocessor> preprocessors, List<Failure> failures,
            List<Invalid> invalid, Sessions sessions) {
    }
}

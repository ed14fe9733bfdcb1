package dev.usher.servlet;

import static org.osgi.service.servlet.runtime.dto.DTOConstants.*;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EventListener;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.servlet.Filter;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.log.Logger;
import org.osgi.service.servlet.context.ServletContextHelper;

import dev.usher.servlet.WhiteboardService.ContextService;
import dev.usher.servlet.WhiteboardService.FilterService;
import dev.usher.servlet.WhiteboardService.ListenerService;
import dev.usher.servlet.WhiteboardService.ResourceService;
import dev.usher.servlet.WhiteboardService.ServletService;
import dev.usher.servlet.http.ResourceServlet;

/**
 * One active servlet context: its shared state, the context views handed to each bundle, and
 * the servlets, filters and listeners that joined it. {@link #reconcile} brings the members in
 * line with the services that select the context, keeping what did not change, so that a
 * change never restarts an unrelated servlet.
 *
 * <p>Only the whiteboard's reconciling thread calls its mutators; requests read {@link #routing()}.
 */
final class ContextRuntime {

    /** Best ranked first, as {@code ServiceReference.compareTo} orders ranking and then id. */
    static final Comparator<WhiteboardService> BEST_FIRST = (a, b) -> b.reference().compareTo(a.reference());

    /** How long unregistering a servlet or filter waits for its calls in progress before {@code destroy}. */
    private static final long DESTROY_WAIT_MILLIS = 5_000;

    private final ContextService service;
    private final BundleContext whiteboard;
    private final Logger log;
    private final ContextState state;
    private final Map<Bundle, View> views = new HashMap<>();
    private final Map<WhiteboardService, ActiveServlet> servlets = new LinkedHashMap<>();
    private final Map<FilterService, ActiveFilter> filters = new LinkedHashMap<>();
    private final Map<ListenerService, ActiveListener> listeners = new LinkedHashMap<>();
    // members whose init (or contextInitialized) threw: not tried again until their service changes
    private final Map<WhiteboardService, Failure> failedInits = new HashMap<>();
    private final WhiteboardThreads threads;
    private volatile ContextRouting routing = ContextRouting.EMPTY;
    private volatile BundleServletContext ownView;

    /** A bundle's view of the context, shared by that bundle's members, with how many use it. */
    private static final class View {
        final BundleServletContext context;
        int users;

        View(BundleServletContext context) {
            this.context = context;
        }
    }

    ContextRuntime(ContextService service, BundleContext whiteboard, Logger log, Sessions sessions,
            WhiteboardThreads threads) {
        this.service = service;
        this.whiteboard = whiteboard;
        this.log = log;
        this.threads = threads;
        java.io.File data = whiteboard.getDataFile("contexts");
        this.state = new ContextState(this, service, sessions, log, data == null ? null : data.toPath());
    }

    ContextService service() {
        return service;
    }

    ContextState state() {
        return state;
    }

    /** Runs asynchronous dispatches and {@code AsyncContext.start}. */
    java.util.concurrent.Executor executor() {
        return threads.executor();
    }

    /** Runs asynchronous timeouts. */
    java.util.concurrent.ScheduledExecutorService timer() {
        return threads.timer();
    }

    /**
     * Gets the context's helper as its own bundle sees it, the view of requests that reach no
     * servlet.
     *
     * @return false when the helper cannot be had: the context fails
     */
    boolean open() {
        ownView = view(service);
        return ownView != null;
    }

    /** The view of the context's own bundle, for a request no servlet serves. */
    BundleServletContext anyView() {
        return ownView;
    }

    /** The current servlets, filters and error pages. */
    ContextRouting routing() {
        return routing;
    }

    Map<WhiteboardService, ActiveServlet> servlets() {
        return servlets;
    }

    Map<FilterService, ActiveFilter> filters() {
        return filters;
    }

    Map<ListenerService, ActiveListener> listeners() {
        return listeners;
    }

    /**
     * Brings the members in line with {@code members} (every service selecting this context,
     * best first): new ones are initialised, gone ones destroyed after the new routing is
     * published.
     *
     * @return the members that could not join, and why
     */
    List<Failure> reconcile(List<WhiteboardService> members) {
        List<Failure> failures = new ArrayList<>();
        failedInits.keySet().retainAll(new HashSet<>(members));
        failures.addAll(failedInits.values());
        members = members.stream().filter(m -> !failedInits.containsKey(m)).toList();
        List<Runnable> afterwards = new ArrayList<>();
        reconcileListeners(members, failures);
        reconcileFilters(members, failures, afterwards);
        reconcileServlets(members, failures, afterwards);
        routing = buildRouting();
        afterwards.forEach(Runnable::run);
        return failures;
    }

    /** Destroys every member, tells the context listeners, and drops its sessions and views. */
    void shutdown() {
        List<Runnable> afterwards = new ArrayList<>();
        reconcileFilters(List.of(), new ArrayList<>(), afterwards);
        reconcileServlets(List.of(), new ArrayList<>(), afterwards);
        routing = ContextRouting.EMPTY;
        afterwards.forEach(Runnable::run);
        state.sessions().dropContext(state);
        reconcileListeners(List.of(), new ArrayList<>());
        ownView = null;
        for (View view : views.values()) {
            view.context.release();
        }
        views.clear();
        state.deleteTempDirectory();
    }

    private void reconcileListeners(List<WhiteboardService> members, List<Failure> failures) {
        Set<WhiteboardService> wanted = new HashSet<>(members);
        for (var it = listeners.entrySet().iterator(); it.hasNext();) {
            var entry = it.next();
            if (!wanted.contains(entry.getKey())) {
                it.remove();
                ActiveListener active = entry.getValue();
                state.listeners().remove(active.listener());
                if (active.listener() instanceof ServletContextListener l) {
                    try {
                        l.contextDestroyed(new ServletContextEvent(active.context()));
                    } catch (RuntimeException e) {
                        log.warn("Listener {} failed in contextDestroyed", active.service().id(), e);
                    }
                }
                unget(active.service(), active.listener(), active.context());
            }
        }
        for (WhiteboardService member : members) {
            if (member instanceof ListenerService l && !listeners.containsKey(l)) {
                BundleServletContext view = view(l);
                if (view == null) {
                    failures.add(new Failure(l, FAILURE_REASON_SERVLET_CONTEXT_FAILURE, id()));
                    continue;
                }
                EventListener listener = get(l, view);
                if (listener == null) {
                    failures.add(new Failure(l, FAILURE_REASON_SERVICE_NOT_GETTABLE, id()));
                    continue;
                }
                try {
                    if (listener instanceof ServletContextListener scl) {
                        scl.contextInitialized(new ServletContextEvent(view));
                    }
                } catch (RuntimeException e) {
                    log.error("Listener {} failed in contextInitialized", l.id(), e);
                    unget(l, listener, view);
                    failures.add(initFailed(l));
                    continue;
                }
                state.listeners().add(listener, l.types());
                listeners.put(l, new ActiveListener(l, listener, view));
            }
        }
    }

    private void reconcileFilters(List<WhiteboardService> members, List<Failure> failures, List<Runnable> afterwards) {
        Set<WhiteboardService> wanted = new HashSet<>(members);
        for (var it = filters.entrySet().iterator(); it.hasNext();) {
            var entry = it.next();
            if (!wanted.contains(entry.getKey())) {
                it.remove();
                ActiveFilter active = entry.getValue();
                afterwards.add(() -> {
                    // a request in the filter (it may be in the servlet behind it) returns first:
                    // Filter.destroy comes after every doFilter has exited, as Servlet.destroy does
                    active.calls().awaitIdle(DESTROY_WAIT_MILLIS);
                    try {
                        active.filter().destroy();
                    } catch (RuntimeException e) {
                        log.warn("Filter {} failed in destroy", active.name(), e);
                    }
                    unget(active.service(), active.filter(), active.context());
                });
            }
        }
        for (WhiteboardService member : members) {
            if (member instanceof FilterService f && !filters.containsKey(f)) {
                BundleServletContext view = view(f);
                if (view == null) {
                    failures.add(new Failure(f, FAILURE_REASON_SERVLET_CONTEXT_FAILURE, id()));
                    continue;
                }
                Filter filter = get(f, view);
                if (filter == null) {
                    failures.add(new Failure(f, FAILURE_REASON_SERVICE_NOT_GETTABLE, id()));
                    continue;
                }
                String name = f.name() != null ? f.name() : filter.getClass().getName();
                try {
                    filter.init(new InitConfig(name, view, f.initParams()));
                } catch (Exception | LinkageError e) {
                    log.error("Filter {} failed in init", name, e);
                    unget(f, filter, view);
                    failures.add(initFailed(f));
                    continue;
                }
                filters.put(f, new ActiveFilter(f, filter, name, view));
            }
        }
    }

    private void reconcileServlets(List<WhiteboardService> members, List<Failure> failures, List<Runnable> afterwards) {
        Set<ServletPattern> claimedPatterns = new HashSet<>();
        Set<Integer> claimedCodes = new HashSet<>();
        Set<String> claimedExceptions = new HashSet<>();
        Map<WhiteboardService, ActiveServlet> kept = new LinkedHashMap<>();
        for (WhiteboardService member : members) {
            List<ServletPattern> patterns;
            if (member instanceof ServletService s) {
                patterns = s.patterns();
            } else if (member instanceof ResourceService r) {
                patterns = r.patterns();
            } else {
                continue;
            }
            List<ServletPattern> won = patterns.stream().filter(p -> !claimedPatterns.contains(p)).toList();
            boolean wonPage = member instanceof ServletService s && (s.errorCodes().stream().anyMatch(c -> !claimedCodes.contains(c))
                    || s.exceptions().stream().anyMatch(e -> !claimedExceptions.contains(e)));
            boolean nameOnly = patterns.isEmpty() && !(member instanceof ServletService s && s.errorPage());
            if (won.isEmpty() && !wonPage && !nameOnly) {
                failures.add(new Failure(member, FAILURE_REASON_SHADOWED_BY_OTHER_SERVICE, id()));
                continue;
            }
            ActiveServlet active = servlets.remove(member);
            if (active == null) {
                active = start(member, won, failures);
                if (active == null) {
                    continue;
                }
            } else if (!active.patterns().equals(won)) {
                active = active.withPatterns(won);
            }
            kept.put(member, active);
            claimedPatterns.addAll(won);
            if (member instanceof ServletService s) {
                claimedCodes.addAll(s.errorCodes());
                claimedExceptions.addAll(s.exceptions());
            }
        }
        for (ActiveServlet gone : servlets.values()) {
            afterwards.add(() -> stop(gone));
        }
        servlets.clear();
        servlets.putAll(kept);
    }

    private ActiveServlet start(WhiteboardService member, List<ServletPattern> patterns, List<Failure> failures) {
        BundleServletContext view = view(member);
        if (view == null) {
            failures.add(new Failure(member, FAILURE_REASON_SERVLET_CONTEXT_FAILURE, id()));
            return null;
        }
        Servlet servlet;
        String name;
        Map<String, String> initParams;
        if (member instanceof ResourceService r) {
            servlet = new ResourceServlet(r.prefix(), view.resources());
            name = "resource " + r.prefix() + " #" + r.id();
            initParams = Map.of();
        } else {
            ServletService s = (ServletService) member;
            servlet = get(s, view);
            if (servlet == null) {
                failures.add(new Failure(member, FAILURE_REASON_SERVICE_NOT_GETTABLE, id()));
                return null;
            }
            name = s.name() != null ? s.name() : servlet.getClass().getName();
            initParams = s.initParams();
        }
        try {
            servlet.init(new InitConfig(name, view, initParams));
        } catch (Exception | LinkageError e) {
            log.error("Servlet {} failed in init", name, e);
            if (!(member instanceof ResourceService)) {
                unget(member, servlet, view);
            } else {
                release(view);
            }
            failures.add(initFailed(member));
            return null;
        }
        return new ActiveServlet(member, servlet, name, view, patterns);
    }

    private Failure initFailed(WhiteboardService member) {
        Failure failure = new Failure(member, FAILURE_REASON_EXCEPTION_ON_INIT, id());
        failedInits.put(member, failure);
        return failure;
    }

    private void stop(ActiveServlet active) {
        active.calls().awaitIdle(DESTROY_WAIT_MILLIS);
        try {
            active.servlet().destroy();
        } catch (RuntimeException e) {
            log.warn("Servlet {} failed in destroy", active.name(), e);
        }
        if (active.service() instanceof ResourceService) {
            release(active.context());
        } else {
            unget(active.service(), active.servlet(), active.context());
        }
    }

    private ContextRouting buildRouting() {
        List<ServletMappings.Entry<ActiveServlet>> entries = new ArrayList<>();
        Map<Integer, ActiveServlet> codes = new HashMap<>();
        Map<String, ActiveServlet> exceptions = new HashMap<>();
        Map<String, ActiveServlet> named = new HashMap<>();
        for (ActiveServlet active : servlets.values()) {
            for (ServletPattern pattern : active.patterns()) {
                entries.add(new ServletMappings.Entry<>(pattern, active));
            }
            if (active.service() instanceof ServletService s) {
                s.errorCodes().forEach(code -> codes.putIfAbsent(code, active));
                s.exceptions().forEach(type -> exceptions.putIfAbsent(type, active));
            }
            named.putIfAbsent(active.name(), active);
        }
        List<ActiveFilter> ordered = new ArrayList<>(filters.values());
        ordered.sort((a, b) -> BEST_FIRST.compare(a.service(), b.service()));
        return new ContextRouting(new ServletMappings<>(entries), List.copyOf(ordered), Map.copyOf(codes),
                Map.copyOf(exceptions), Map.copyOf(named));
    }

    /** The context's service id. */
    long id() {
        return service.id();
    }

    /** The view of this context for {@code member}'s bundle, counted as used; null when its helper cannot be had. */
    BundleServletContext view(WhiteboardService member) {
        Bundle bundle = member.reference().getBundle();
        if (bundle == null) {
            return null;
        }
        View view = views.get(bundle);
        if (view == null) {
            BundleContext context = bundle.getBundleContext();
            ServletContextHelper helper;
            try {
                helper = context == null ? null : (ServletContextHelper) context.getService(service.reference());
            } catch (RuntimeException e) {
                helper = null;
            }
            if (helper == null) {
                return null;
            }
            view = new View(new BundleServletContext(state, bundle, helper, context, service.reference()));
            views.put(bundle, view);
        }
        view.users++;
        return view.context;
    }

    void release(BundleServletContext context) {
        View view = views.get(context.bundle());
        if (view != null && --view.users == 0) {
            views.remove(context.bundle());
            view.context.release();
        }
    }

    private <S> S get(WhiteboardService member, BundleServletContext view) {
        S instance = ServiceInstances.get(whiteboard, member, log);
        if (instance == null) {
            release(view);
        }
        return instance;
    }

    private <S> void unget(WhiteboardService member, S instance, BundleServletContext view) {
        ServiceInstances.unget(whiteboard, member, instance);
        release(view);
    }
}

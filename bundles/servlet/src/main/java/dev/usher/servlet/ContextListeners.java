package dev.usher.servlet;

import java.util.EventListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import jakarta.servlet.ServletContextAttributeListener;
import jakarta.servlet.ServletRequestAttributeListener;
import jakarta.servlet.ServletRequestListener;
import jakarta.servlet.http.HttpSessionAttributeListener;
import jakarta.servlet.http.HttpSessionIdListener;
import jakarta.servlet.http.HttpSessionListener;

import org.osgi.service.log.Logger;

/**
 * A context's listeners by the interface they were registered as (a listener hears only the
 * events of the interfaces named in its {@code objectClass}). Read on every request, changed
 * rarely.
 */
final class ContextListeners {

    final List<ServletContextAttributeListener> contextAttributes = new CopyOnWriteArrayList<>();
    final List<ServletRequestListener> requests = new CopyOnWriteArrayList<>();
    final List<ServletRequestAttributeListener> requestAttributes = new CopyOnWriteArrayList<>();
    final List<HttpSessionListener> sessions = new CopyOnWriteArrayList<>();
    final List<HttpSessionAttributeListener> sessionAttributes = new CopyOnWriteArrayList<>();
    final List<HttpSessionIdListener> sessionIds = new CopyOnWriteArrayList<>();
    private final Logger log;

    ContextListeners(Logger log) {
        this.log = log;
    }

    void add(EventListener listener, List<String> types) {
        if (types.contains(ServletContextAttributeListener.class.getName())) {
            contextAttributes.add((ServletContextAttributeListener) listener);
        }
        if (types.contains(ServletRequestListener.class.getName())) {
            requests.add((ServletRequestListener) listener);
        }
        if (types.contains(ServletRequestAttributeListener.class.getName())) {
            requestAttributes.add((ServletRequestAttributeListener) listener);
        }
        if (types.contains(HttpSessionListener.class.getName())) {
            sessions.add((HttpSessionListener) listener);
        }
        if (types.contains(HttpSessionAttributeListener.class.getName())) {
            sessionAttributes.add((HttpSessionAttributeListener) listener);
        }
        if (types.contains(HttpSessionIdListener.class.getName())) {
            sessionIds.add((HttpSessionIdListener) listener);
        }
    }

    void remove(EventListener listener) {
        contextAttributes.remove(listener);
        requests.remove(listener);
        requestAttributes.remove(listener);
        sessions.remove(listener);
        sessionAttributes.remove(listener);
        sessionIds.remove(listener);
    }

    /**
     * Tells each listener; one that throws is logged and the rest are still told, since a
     * listener's failure is not the request's.
     */
    <L> void fire(List<L> listeners, Consumer<L> event) {
        for (L listener : listeners) {
            try {
                event.accept(listener);
            } catch (RuntimeException e) {
                log.warn("Listener {} failed", listener.getClass().getName(), e);
            }
        }
    }
}

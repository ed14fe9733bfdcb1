package dev.usher.servlet;

import java.util.Collections;
import java.util.Enumeration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpSessionBindingEvent;
import jakarta.servlet.http.HttpSessionBindingListener;
import jakarta.servlet.http.HttpSessionEvent;

/** A session of one context, kept in memory until invalidated or inactive too long. */
final class WhiteboardSession implements HttpSession {

    private final Sessions sessions;
    private final ContextState state;
    private final ServletContext context;
    private final long created;
    private final Map<String, Object> attributes = new ConcurrentHashMap<>();
    private volatile String id;
    private volatile long lastAccessed;
    private volatile int maxInactiveSeconds;
    private volatile boolean valid = true;
    private volatile boolean fresh = true;
    private boolean ending;

    WhiteboardSession(Sessions sessions, ContextState state, ServletContext context, String id, long now,
            int maxInactiveSeconds) {
        this.sessions = sessions;
        this.state = state;
        this.context = context;
        this.id = id;
        this.created = now;
        this.lastAccessed = now;
        this.maxInactiveSeconds = maxInactiveSeconds;
    }

    ContextState state() {
        return state;
    }

    void id(String id) {
        this.id = id;
    }

    void accessed(long now) {
        lastAccessed = now;
        fresh = false;
    }

    boolean expired(long now) {
        int max = maxInactiveSeconds;
        return max > 0 && now - lastAccessed > max * 1000L;
    }

    boolean valid() {
        return valid;
    }

    private void checkValid() {
        if (!valid) {
            throw new IllegalStateException("the session was invalidated");
        }
    }

    @Override
    public long getCreationTime() {
        checkValid();
        return created;
    }

    @Override
    public String getId() {
        return id;
    }

    @Override
    public long getLastAccessedTime() {
        checkValid();
        return lastAccessed;
    }

    @Override
    public ServletContext getServletContext() {
        return context;
    }

    @Override
    public void setMaxInactiveInterval(int interval) {
        maxInactiveSeconds = interval;
    }

    @Override
    public int getMaxInactiveInterval() {
        return maxInactiveSeconds;
    }

    @Override
    public Object getAttribute(String name) {
        checkValid();
        return attributes.get(name);
    }

    @Override
    public Enumeration<String> getAttributeNames() {
        checkValid();
        return Collections.enumeration(attributes.keySet());
    }

    @Override
    public void setAttribute(String name, Object value) {
        checkValid();
        if (name == null) {
            throw new IllegalArgumentException("attribute name is null");
        }
        if (value == null) {
            removeAttribute(name);
            return;
        }
        if (value instanceof HttpSessionBindingListener bound) {
            bound.valueBound(new HttpSessionBindingEvent(this, name, value));
        }
        Object old = attributes.put(name, value);
        if (old != null && old != value && old instanceof HttpSessionBindingListener unbound) {
            unbound.valueUnbound(new HttpSessionBindingEvent(this, name, old));
        }
        ContextListeners listeners = state.listeners();
        if (!listeners.sessionAttributes.isEmpty()) {
            HttpSessionBindingEvent event = new HttpSessionBindingEvent(this, name, old == null ? value : old);
            listeners.fire(listeners.sessionAttributes, l -> {
                if (old == null) {
                    l.attributeAdded(event);
                } else {
                    l.attributeReplaced(event);
                }
            });
        }
    }

    @Override
    public void removeAttribute(String name) {
        checkValid();
        unbind(name);
    }

    private void unbind(String name) {
        Object old = attributes.remove(name);
        if (old == null) {
            return;
        }
        if (old instanceof HttpSessionBindingListener unbound) {
            unbound.valueUnbound(new HttpSessionBindingEvent(this, name, old));
        }
        ContextListeners listeners = state.listeners();
        if (!listeners.sessionAttributes.isEmpty()) {
            HttpSessionBindingEvent event = new HttpSessionBindingEvent(this, name, old);
            listeners.fire(listeners.sessionAttributes, l -> l.attributeRemoved(event));
        }
    }

    @Override
    public void invalidate() {
        if (!end()) {
            throw new IllegalStateException("the session was invalidated");
        }
    }

    /**
     * Ends the session unless it is ending already (the server's expiry may meet the
     * application's {@code invalidate}, or two requests' expiry).
     *
     * @return false when it was ended or ending already
     */
    boolean end() {
        // the listeners are told while the session is still valid: sessionDestroyed may read it
        synchronized (this) {
            if (!valid || ending) {
                return false;
            }
            ending = true;
        }
        sessions.forget(this);
        ContextListeners listeners = state.listeners();
        if (!listeners.sessions.isEmpty()) {
            HttpSessionEvent event = new HttpSessionEvent(this);
            listeners.fire(listeners.sessions, l -> l.sessionDestroyed(event));
        }
        for (String name : attributes.keySet()) {
            unbind(name);
        }
        valid = false;
        return true;
    }

    @Override
    public boolean isNew() {
        checkValid();
        return fresh;
    }
}

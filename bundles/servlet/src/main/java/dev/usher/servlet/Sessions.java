package dev.usher.servlet;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The whiteboard's sessions, in memory: one map of sessions per context, all under the one
 * session cookie. A session id is only ever one this server made (an id a client invents is
 * replaced), so a session cannot be fixed by an attacker; ids are 128 random bits.
 */
final class Sessions {

    private final SecureRandom random = new SecureRandom();
    private final SessionCookie cookie = new SessionCookie();
    private final Map<ContextState, Map<String, WhiteboardSession>> byContext = new ConcurrentHashMap<>();
    private volatile int defaultTimeoutMinutes = 30;

    /** The inactive interval of a new context's sessions ({@code session_timeout}). */
    int defaultTimeoutMinutes() {
        return defaultTimeoutMinutes;
    }

    void defaultTimeoutMinutes(int minutes) {
        defaultTimeoutMinutes = minutes;
    }

    SessionCookie cookieConfig() {
        return cookie;
    }

    /** The live session {@code id} of {@code context}, touched; null when there is none (or it expired). */
    WhiteboardSession find(ContextState context, String id, long now) {
        if (id == null) {
            return null;
        }
        Map<String, WhiteboardSession> sessions = byContext.get(context);
        WhiteboardSession session = sessions == null ? null : sessions.get(id);
        if (session == null) {
            return null;
        }
        if (session.expired(now)) {
            session.end();
            return null;
        }
        session.accessed(now);
        return session;
    }

    /**
     * A new session of {@code context}, under {@code id} when the browser already holds that
     * id for a session of another context (one cookie for them all), else under a new id.
     */
    WhiteboardSession create(ContextState context, BundleServletContext view, String id, long now) {
        if (id == null || !known(id)) {
            id = newId();
        }
        WhiteboardSession session = new WhiteboardSession(this, context, view, id, now,
                context.sessionTimeoutMinutes() * 60);
        byContext.computeIfAbsent(context, c -> new ConcurrentHashMap<>()).put(id, session);
        ContextListeners listeners = context.listeners();
        if (!listeners.sessions.isEmpty()) {
            var event = new jakarta.servlet.http.HttpSessionEvent(session);
            listeners.fire(listeners.sessions, l -> l.sessionCreated(event));
        }
        return session;
    }

    private boolean known(String id) {
        for (Map<String, WhiteboardSession> sessions : byContext.values()) {
            if (sessions.containsKey(id)) {
                return true;
            }
        }
        return false;
    }

    String newId() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * Moves {@code session} to a new id, and with it the other contexts' sessions under the same
     * id: the browser's one cookie names them all, so one left under the old id would be lost to
     * it. Tells each moved session's id listeners; the new id.
     */
    String changeId(WhiteboardSession session) {
        String old = session.getId();
        String id = newId();
        List<WhiteboardSession> moved = new ArrayList<>();
        for (Map<String, WhiteboardSession> sessions : byContext.values()) {
            WhiteboardSession sibling = sessions.remove(old);
            if (sibling != null) {
                sibling.id(id);
                sessions.put(id, sibling);
                moved.add(sibling);
            }
        }
        if (!moved.contains(session)) {
            session.id(id); // its context is going away: no map holds it any more
            moved.add(session);
        }
        for (WhiteboardSession changed : moved) {
            ContextListeners listeners = changed.state().listeners();
            if (!listeners.sessionIds.isEmpty()) {
                var event = new jakarta.servlet.http.HttpSessionEvent(changed);
                listeners.fire(listeners.sessionIds, l -> l.sessionIdChanged(event, old));
            }
        }
        return id;
    }

    void forget(WhiteboardSession session) {
        Map<String, WhiteboardSession> sessions = byContext.get(session.state());
        if (sessions != null) {
            sessions.remove(session.getId(), session);
        }
    }

    /** Invalidates every session that outlived its inactive interval. */
    void expire(long now) {
        for (Map<String, WhiteboardSession> sessions : byContext.values()) {
            for (WhiteboardSession session : new ArrayList<>(sessions.values())) {
                if (session.expired(now)) {
                    session.end();
                }
            }
        }
    }

    /** Invalidates every session of a context that is going away. */
    void dropContext(ContextState context) {
        Map<String, WhiteboardSession> sessions = byContext.remove(context);
        if (sessions != null) {
            for (WhiteboardSession session : sessions.values()) {
                session.end();
            }
        }
    }
}

package dev.usher.servlet;

import java.util.Map;
import java.util.TreeMap;

import jakarta.servlet.SessionCookieConfig;

/**
 * How the session cookie is written: {@code JSESSIONID}, path {@code /}, {@code HttpOnly},
 * {@code SameSite=Lax}, for the browser's session. One for the whole whiteboard, since a
 * browser holds one session cookie for every context (each context keeps its own session
 * under that id, Compendium 140.2.7).
 */
final class SessionCookie implements SessionCookieConfig {

    private volatile String name = "JSESSIONID";
    private volatile String path = "/";
    private volatile String domain;
    private volatile boolean httpOnly = true;
    private volatile boolean secure;
    private volatile int maxAge = -1;
    private final Map<String, String> attributes = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

    SessionCookie() {
        attributes.put("SameSite", "Lax");
    }

    @Override
    public void setName(String name) {
        this.name = name;
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public void setDomain(String domain) {
        this.domain = domain;
    }

    @Override
    public String getDomain() {
        return domain;
    }

    @Override
    public void setPath(String path) {
        this.path = path;
    }

    @Override
    public String getPath() {
        return path;
    }

    @Override
    @Deprecated
    public void setComment(String comment) {
    }

    @Override
    @Deprecated
    public String getComment() {
        return null;
    }

    @Override
    public void setHttpOnly(boolean httpOnly) {
        this.httpOnly = httpOnly;
    }

    @Override
    public boolean isHttpOnly() {
        return httpOnly;
    }

    @Override
    public void setSecure(boolean secure) {
        this.secure = secure;
    }

    @Override
    public boolean isSecure() {
        return secure;
    }

    @Override
    public void setMaxAge(int maxAge) {
        this.maxAge = maxAge;
    }

    @Override
    public int getMaxAge() {
        return maxAge;
    }

    @Override
    public synchronized void setAttribute(String name, String value) {
        attributes.put(name, value);
    }

    @Override
    public synchronized String getAttribute(String name) {
        return attributes.get(name);
    }

    @Override
    public synchronized Map<String, String> getAttributes() {
        return Map.copyOf(attributes);
    }

    /** The cookie carrying {@code id}, or ending the session ({@code id} null). */
    jakarta.servlet.http.Cookie cookie(String id, boolean overHttps) {
        jakarta.servlet.http.Cookie cookie = new jakarta.servlet.http.Cookie(name, id == null ? "" : id);
        cookie.setPath(path);
        if (domain != null) {
            cookie.setDomain(domain);
        }
        cookie.setHttpOnly(httpOnly);
        cookie.setSecure(secure || overHttps);
        cookie.setMaxAge(id == null ? 0 : maxAge);
        getAttributes().forEach((key, value) -> {
            if (!key.equalsIgnoreCase("Path") && !key.equalsIgnoreCase("Domain")) {
                cookie.setAttribute(key, value);
            }
        });
        return cookie;
    }
}

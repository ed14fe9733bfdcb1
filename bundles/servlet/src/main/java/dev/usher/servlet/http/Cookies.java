package dev.usher.servlet.http;

import jakarta.servlet.http.Cookie;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code Cookie} request field read into {@link Cookie}s, and a {@code Cookie} written as a
 * {@code Set-Cookie} field value (RFC 6265, sections 4.1 and 4.2).
 */
public final class Cookies {

    private static final Cookie[] NONE = new Cookie[0];

    private Cookies() {
    }

    /**
     * The cookies of every {@code Cookie} field value, in order: {@code a=1; b=2}, a value in
     * double quotes without them. A pair whose name is not a token, or that the Servlet API
     * refuses, is skipped rather than failing the rest.
     *
     * @return the cookies; empty, never null, when there are none
     */
    public static Cookie[] parse(List<String> cookieHeaderValues) {
        List<Cookie> cookies = new ArrayList<>();
        for (String header : cookieHeaderValues) {
            for (String pair : header.split(";")) {
                Cookie cookie = cookie(pair);
                if (cookie != null) {
                    cookies.add(cookie);
                }
            }
        }
        return cookies.isEmpty() ? NONE : cookies.toArray(NONE);
    }

    /**
     * The {@code Set-Cookie} field value of {@code cookie}: {@code name=value}, then
     * {@code Max-Age} with {@code Expires} (for a max age of 0 or more), {@code Domain},
     * {@code Path}, {@code Secure}, {@code HttpOnly} and every other attribute the cookie has.
     *
     * @throws IllegalArgumentException when the value cannot be sent even in double quotes, or an
     *     attribute's value holds a {@code ;} or a control character
     */
    public static String format(Cookie cookie) {
        return format(cookie, System.currentTimeMillis());
    }

    /** {@link #format(Cookie)} with {@code Expires} counted from {@code now}. */
    static String format(Cookie cookie, long now) {
        StringBuilder field = new StringBuilder();
        field.append(cookie.getName()).append('=').append(value(cookie));
        // getAttributes() holds what the getters answer too (Secure=false among them): those, and
        // Expires once written, are not written again from it. Names are case-insensitive
        // (RFC 6265 5.2).
        Set<String> handled = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        handled.addAll(List.of("Max-Age", "Domain", "Path", "Secure", "HttpOnly"));
        int maxAge = cookie.getMaxAge();
        if (maxAge >= 0) {
            attribute(field, cookie, "Max-Age", Integer.toString(maxAge));
            // Max-Age for the user agents that know it; Expires for the older ones that do not.
            attribute(field, cookie, "Expires", HttpDates.format(maxAge == 0 ? 0 : now + maxAge * 1000L));
            handled.add("Expires");
        }
        String domain = cookie.getDomain();
        if (domain != null && !domain.isEmpty()) {
            attribute(field, cookie, "Domain", domain);
        }
        if (cookie.getPath() != null) {
            attribute(field, cookie, "Path", cookie.getPath());
        }
        if (cookie.getSecure()) {
            field.append("; Secure");
        }
        if (cookie.isHttpOnly()) {
            field.append("; HttpOnly");
        }
        for (Map.Entry<String, String> other : cookie.getAttributes().entrySet()) {
            if (handled.add(other.getKey())) {
                if (other.getValue() == null || other.getValue().isEmpty()) {
                    field.append("; ").append(other.getKey());
                } else {
                    attribute(field, cookie, other.getKey(), other.getValue());
                }
            }
        }
        return field.toString();
    }

    private static Cookie cookie(String pair) {
        int equals = pair.indexOf('=');
        if (equals < 0) {
            return null;
        }
        String name = pair.substring(0, equals).trim();
        if (!isToken(name)) {
            return null;
        }
        String value = pair.substring(equals + 1).trim();
        if (value.length() >= 2 && value.charAt(0) == '"' && value.charAt(value.length() - 1) == '"') {
            value = value.substring(1, value.length() - 1);
        }
        try {
            return new Cookie(name, value);
        } catch (IllegalArgumentException refused) {
            // Servlet 5's Cookie also refuses names such as Path or $Version that are tokens
            // (the bundle imports 5 and 6); one such cookie must not cost the request the others.
            return null;
        }
    }

    private static String value(Cookie cookie) {
        String value = cookie.getValue();
        if (value == null || value.isEmpty()) {
            return "";
        }
        if (isCookieOctets(value, 0, value.length())) {
            return value;
        }
        if (value.length() >= 2 && value.charAt(0) == '"' && value.charAt(value.length() - 1) == '"'
                && isCookieOctets(value, 1, value.length() - 1)) {
            return value;
        }
        // A space or a comma is safe in double quotes: a user agent reads a value up to the next
        // ';' (RFC 6265 5.2), and the quotes keep it whole for the older parsers that split at
        // whitespace or commas. Quotes cannot make a ';', '"', '\' or a control character safe.
        boolean quotable = true;
        for (int i = 0; i < value.length() && quotable; i++) {
            char c = value.charAt(i);
            quotable = c == ' ' || c == ',' || isCookieOctet(c);
        }
        if (!quotable) {
            throw new IllegalArgumentException("cookie '" + cookie.getName()
                    + "': the value holds a character a cookie cannot carry, even in double quotes");
        }
        return '"' + value + '"';
    }

    private static void attribute(StringBuilder field, Cookie cookie, String name, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == ';' || c < 0x20 || c == 0x7f) {
                throw new IllegalArgumentException("cookie '" + cookie.getName() + "': attribute " + name
                        + " holds a ';' or a control character");
            }
        }
        field.append("; ").append(name).append('=').append(value);
    }

    // cookie-octet: US-ASCII less controls, whitespace, DQUOTE, comma, semicolon and backslash.
    private static boolean isCookieOctet(char c) {
        return c > 0x20 && c < 0x7f && c != '"' && c != ',' && c != ';' && c != '\\';
    }

    private static boolean isCookieOctets(String value, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!isCookieOctet(value.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    static boolean isToken(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean alphanumeric = c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
            if (!alphanumeric && "!#$%&'*+-.^_`|~".indexOf(c) < 0) {
                return false;
            }
        }
        return true;
    }
}

package dev.usher.servlet;

/**
 * One URL pattern of a servlet, filter or resource, as the Jakarta Servlet specification
 * (6.0, chapter 12, "Mapping Requests to Servlets") defines it, and which the Whiteboard for
 * Jakarta Servlet takes in {@code osgi.http.whiteboard.servlet.pattern}:
 *
 * <ul>
 *   <li>{@link Exact}: any other string starting with {@code /}, matched whole;
 *   <li>{@link PathPrefix}: {@code /x/*}, the path {@code /x} and everything below it;
 *   <li>{@link Extension}: {@code *.ext}, a last segment ending in {@code .ext};
 *   <li>{@link ContextRoot}: the empty string, the context's root alone;
 *   <li>{@link DefaultServlet}: {@code /}, whatever nothing else matches.
 * </ul>
 *
 * {@link #match} answers the servlet path and path info a match gives, as
 * {@code getServletPath()} and {@code getPathInfo()} must report them.
 */
sealed interface ServletPattern {

    /**
     * A request's path within its context matched by a pattern.
     *
     * @param servletPath what {@code getServletPath()} reports
     * @param pathInfo what {@code getPathInfo()} reports; null for none
     */
    record Match(String servletPath, String pathInfo) {
    }

    /** The pattern as it was written. */
    String text();

    /**
     * The match of {@code path}, the request's decoded path within its context (starting with
     * {@code /}; the context root's is {@code /}), or null.
     */
    Match match(String path);

    /** How it ranks among the kinds when several match: exact first, the default servlet last. */
    int kindRank();

    /**
     * Reads a pattern.
     *
     * @throws IllegalArgumentException for a string that is none of the kinds: neither empty nor
     *     starting with {@code /} or {@code *.}, an extension holding {@code /} or {@code .}, or a
     *     {@code *} anywhere else in a path prefix
     */
    static ServletPattern of(String text) {
        if (text.isEmpty()) {
            return new ContextRoot();
        }
        if (text.equals("/")) {
            return new DefaultServlet();
        }
        if (text.startsWith("*.")) {
            String extension = text.substring(2);
            if (extension.isEmpty() || extension.indexOf('/') >= 0 || extension.indexOf('.') >= 0
                    || extension.indexOf('*') >= 0) {
                throw new IllegalArgumentException("'" + text + "': an extension pattern is *. and a name "
                        + "without /, . or *");
            }
            return new Extension(text, extension);
        }
        if (!text.startsWith("/")) {
            throw new IllegalArgumentException("'" + text + "': a pattern is empty, /, starts with / or is *.ext");
        }
        if (text.endsWith("/*")) {
            String prefix = text.substring(0, text.length() - 2);
            if (prefix.indexOf('*') >= 0) {
                throw new IllegalArgumentException("'" + text + "': * stands only at the end of a path pattern");
            }
            return new PathPrefix(text, prefix);
        }
        return new Exact(text);
    }

    /** A path matched whole: servlet path the path, no path info. */
    record Exact(String text) implements ServletPattern {

        @Override
        public Match match(String path) {
            return path.equals(text) ? new Match(path, null) : null;
        }

        @Override
        public int kindRank() {
            return 0;
        }
    }

    /**
     * {@code /x/*}: {@code /x} and the paths below it; servlet path {@code /x}, path info the rest
     * (null for {@code /x} itself). {@code /*}: every path, servlet path empty.
     *
     * @param prefix the pattern without {@code /*}: empty for {@code /*}
     */
    record PathPrefix(String text, String prefix) implements ServletPattern {

        @Override
        public Match match(String path) {
            if (path.equals(prefix)) {
                return new Match(prefix, null);
            }
            if (path.startsWith(prefix) && path.length() > prefix.length() && path.charAt(prefix.length()) == '/') {
                return new Match(prefix, path.substring(prefix.length()));
            }
            return null;
        }

        @Override
        public int kindRank() {
            return 1;
        }
    }

    /** {@code *.ext}: a last segment ending in {@code .ext}; servlet path the path, no path info. */
    record Extension(String text, String extension) implements ServletPattern {

        @Override
        public Match match(String path) {
            int lastSegment = path.lastIndexOf('/') + 1;
            int dot = path.lastIndexOf('.');
            if (dot >= lastSegment && path.length() - dot - 1 == extension.length()
                    && path.regionMatches(dot + 1, extension, 0, extension.length())) {
                return new Match(path, null);
            }
            return null;
        }

        @Override
        public int kindRank() {
            return 2;
        }
    }

    /** The empty pattern: the context root alone; servlet path empty, path info {@code /}. */
    record ContextRoot() implements ServletPattern {

        @Override
        public String text() {
            return "";
        }

        @Override
        public Match match(String path) {
            return path.equals("/") ? new Match("", "/") : null;
        }

        @Override
        public int kindRank() {
            return 0;
        }
    }

    /** {@code /}: every path nothing else matched; servlet path the path, no path info. */
    record DefaultServlet() implements ServletPattern {

        @Override
        public String text() {
            return "/";
        }

        @Override
        public Match match(String path) {
            return new Match(path, null);
        }

        @Override
        public int kindRank() {
            return 3;
        }
    }
}

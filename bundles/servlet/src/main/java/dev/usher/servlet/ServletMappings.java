package dev.usher.servlet;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which of a context's servlets a path goes to, by the Jakarta Servlet specification's order
 * (6.0, 12.1): an exact match (the context root's empty pattern included), else the longest
 * path prefix, else an extension, else the default servlet. Immutable, built once per change of
 * the context's servlets, asked per request without a lock.
 *
 * @param <T> what a pattern leads to (a servlet's registration)
 */
final class ServletMappings<T> {

    /** A pattern and what it leads to. */
    record Entry<T>(ServletPattern pattern, T target) {
    }

    /** What a path resolved to: the target, the pattern that matched, and the servlet path and path info of its match. */
    record Resolved<T>(T target, ServletPattern pattern, ServletPattern.Match match) {
    }

    private final Map<String, Entry<T>> exact = new HashMap<>();
    private final Map<String, Entry<T>> prefixes = new HashMap<>();
    private final Map<String, Entry<T>> extensions = new HashMap<>();
    private Entry<T> contextRoot;
    private Entry<T> defaultServlet;

    /**
     * @param entries best first: where two entries have the same pattern, the first wins (the
     *     whiteboard orders them by ranking, and the loser is shadowed)
     */
    ServletMappings(List<Entry<T>> entries) {
        for (Entry<T> entry : entries) {
            ServletPattern pattern = entry.pattern();
            if (pattern instanceof ServletPattern.Exact e) {
                exact.putIfAbsent(e.text(), entry);
            } else if (pattern instanceof ServletPattern.PathPrefix p) {
                prefixes.putIfAbsent(p.prefix(), entry);
            } else if (pattern instanceof ServletPattern.Extension x) {
                extensions.putIfAbsent(x.extension(), entry);
            } else if (pattern instanceof ServletPattern.ContextRoot) {
                contextRoot = contextRoot == null ? entry : contextRoot;
            } else {
                defaultServlet = defaultServlet == null ? entry : defaultServlet;
            }
        }
    }

    /** The servlet for {@code path}, the decoded path within the context ({@code /} for its root); null for none. */
    Resolved<T> resolve(String path) {
        if (path.equals("/") && contextRoot != null) {
            return resolved(contextRoot, new ServletPattern.Match("", "/"));
        }
        Entry<T> target = exact.get(path);
        if (target != null) {
            return resolved(target, new ServletPattern.Match(path, null));
        }
        if (!prefixes.isEmpty()) {
            // the longest prefix: the whole path, then without its last segment, down to /*'s ""
            int end = path.length();
            while (end >= 0) {
                String prefix = path.substring(0, end);
                target = prefixes.get(prefix);
                if (target != null) {
                    return resolved(target, new ServletPattern.Match(prefix,
                            end == path.length() ? null : path.substring(end)));
                }
                end = end == 0 ? -1 : path.lastIndexOf('/', end - 1);
            }
        }
        int lastSegment = path.lastIndexOf('/') + 1;
        int dot = path.lastIndexOf('.');
        if (dot >= lastSegment && !extensions.isEmpty()) {
            target = extensions.get(path.substring(dot + 1));
            if (target != null) {
                return resolved(target, new ServletPattern.Match(path, null));
            }
        }
        return defaultServlet == null ? null : resolved(defaultServlet, new ServletPattern.Match(path, null));
    }

    private static <T> Resolved<T> resolved(Entry<T> entry, ServletPattern.Match match) {
        return new Resolved<>(entry.target(), entry.pattern(), match);
    }
}

package dev.usher.servlet;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Where the whiteboard mounts itself in Usher: not at each context path alone, but at the
 * literal part of each exact and path-prefix pattern ({@code /servlet/hello},
 * {@code /api} for {@code /api/*}), and at each context's own path for the rest (extension
 * and default patterns, the context root, the context's 404 and its error pages); that one
 * ranked lowest, so that a native application mounted at the same prefix keeps it. Usher then
 * routes between servlets and native applications by its longest-prefix rule: a native
 * application at {@code /} and a servlet at {@code /servlet/*} both serve. Each prefix serves
 * the context with the longest path it lies under, as the Servlet specification chooses
 * contexts.
 */
final class MountPrefixes {

    private MountPrefixes() {
    }

    /** Mount prefix ({@code ""} for {@code /}) to the context path it serves. */
    static Map<String, String> of(Collection<ContextRuntime> contexts) {
        Map<String, String> prefixes = new HashMap<>();
        for (ContextRuntime context : contexts) {
            String contextPath = context.service().path();
            prefixes.merge(contextPath, contextPath, (a, b) -> a.length() >= b.length() ? a : b);
            for (ActiveServlet servlet : context.servlets().values()) {
                for (ServletPattern pattern : servlet.patterns()) {
                    String prefix = contextPath + literal(pattern);
                    prefixes.merge(prefix, contextPath, (a, b) -> a.length() >= b.length() ? a : b);
                }
            }
        }
        // a prefix under a longer context path belongs to that context
        for (ContextRuntime context : contexts) {
            String contextPath = context.service().path();
            prefixes.replaceAll((prefix, owner) -> contextPath.length() > owner.length() && under(prefix, contextPath)
                    ? contextPath : owner);
        }
        return prefixes;
    }

    /** Whether {@code prefix} is a context's own path, mounted below any native application there. */
    static boolean contextRoot(String prefix, String contextPath) {
        return prefix.equals(contextPath);
    }

    /** The part of a pattern every path it matches starts with, when Usher can mount it; else empty. */
    private static String literal(ServletPattern pattern) {
        String text;
        if (pattern instanceof ServletPattern.Exact e) {
            text = e.text();
        } else if (pattern instanceof ServletPattern.PathPrefix p) {
            text = p.prefix();
        } else {
            return "";
        }
        // Usher refuses empty, . and .. segments in a mount prefix: mount the context instead
        for (String segment : text.substring(Math.min(1, text.length())).split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return "";
            }
        }
        return text.endsWith("/") ? "" : text;
    }

    private static boolean under(String path, String contextPath) {
        return path.equals(contextPath) || path.startsWith(contextPath + "/");
    }
}

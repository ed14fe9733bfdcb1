package dev.usher.servlet;

import java.util.List;
import java.util.Map;

/**
 * One context's servlets, filters and error pages at one moment: built whole whenever they
 * change, read by requests without a lock.
 *
 * @param mappings the servlets and resources by pattern
 * @param filters the filters, best ranked first (the order they run in)
 * @param errorCodes the error page for each status code
 * @param exceptions the error pages for exception class names
 * @param named the servlets by name, for named dispatchers and {@code filter.servlet}
 */
record ContextRouting(ServletMappings<ActiveServlet> mappings, List<ActiveFilter> filters,
        Map<Integer, ActiveServlet> errorCodes, Map<String, ActiveServlet> exceptions, Map<String, ActiveServlet> named) {

    static final ContextRouting EMPTY = new ContextRouting(new ServletMappings<>(List.of()), List.of(), Map.of(), Map.of(),
            Map.of());

    /** The error page for {@code error}: its class's, else its nearest superclass's; null for none. */
    ActiveServlet errorPage(Throwable error) {
        for (Class<?> type = error.getClass(); type != null; type = type.getSuperclass()) {
            ActiveServlet page = exceptions.get(type.getName());
            if (page != null) {
                return page;
            }
        }
        return null;
    }
}

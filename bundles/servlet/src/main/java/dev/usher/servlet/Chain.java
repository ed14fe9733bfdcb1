package dev.usher.servlet;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The filters a dispatch passes through, best ranked first, and then its servlet: the filters
 * of the context whose dispatcher types include the dispatch's and whose pattern, regular
 * expression or servlet name matches. With no servlet (nothing matched) the filters still run,
 * and the end of the chain answers {@code 404}.
 */
final class Chain implements FilterChain {

    private final List<ActiveFilter> filters;
    private final ActiveServlet servlet;
    private int next;

    private Chain(List<ActiveFilter> filters, ActiveServlet servlet) {
        this.filters = filters;
        this.servlet = servlet;
    }

    /** The filters of {@code routing} that see a dispatch of {@code type} to {@code path} served by {@code servlet}. */
    static List<ActiveFilter> filters(ContextRouting routing, ActiveServlet servlet, String path, DispatcherType type) {
        List<ActiveFilter> all = routing.filters();
        if (all.isEmpty()) {
            return List.of();
        }
        List<ActiveFilter> chosen = new ArrayList<>(all.size());
        String name = servlet == null ? null : servlet.name();
        for (ActiveFilter filter : all) {
            if (filter.service().dispatcher().contains(type) && filter.service().applies(path, name)) {
                chosen.add(filter);
            }
        }
        return chosen;
    }

    /** Whether every filter and the servlet allow asynchronous processing. */
    static boolean asyncSupported(List<ActiveFilter> filters, ActiveServlet servlet) {
        for (ActiveFilter filter : filters) {
            if (!filter.service().asyncSupported()) {
                return false;
            }
        }
        return servlet == null || servlet.asyncSupported();
    }

    /**
     * Runs the chain, counting the call of each filter and of the servlet so that their
     * {@code destroy} waits for it. If one of them is being taken out of service, the chain does
     * not run and the request is answered {@code 503 Service Unavailable}, as a servlet
     * container answers a request for an unavailable servlet. That happens when the routing
     * changed after the request read it.
     */
    static void run(List<ActiveFilter> filters, ActiveServlet servlet, ServletRequest request, ServletResponse response)
            throws IOException, ServletException {
        int filtersEntered = 0;
        boolean servletEntered = false;
        try {
            for (ActiveFilter filter : filters) {
                if (!filter.calls().enter()) {
                    unavailable(response);
                    return;
                }
                filtersEntered++;
            }
            if (servlet != null) {
                if (!servlet.calls().enter()) {
                    unavailable(response);
                    return;
                }
                servletEntered = true;
            }
            new Chain(filters, servlet).doFilter(request, response);
        } finally {
            if (servletEntered) {
                servlet.calls().leave();
            }
            for (int i = 0; i < filtersEntered; i++) {
                filters.get(i).calls().leave();
            }
        }
    }

    /** The request came between two routings: a retry gets the current one (what replaced it, or a 404). */
    private static void unavailable(ServletResponse response) throws IOException {
        ((HttpServletResponse) response).sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response) throws IOException, ServletException {
        if (next < filters.size()) {
            filters.get(next++).filter().doFilter(request, response, this);
        } else if (servlet != null) {
            servlet.servlet().service(request, response);
        } else {
            ((HttpServletResponse) response).sendError(HttpServletResponse.SC_NOT_FOUND);
        }
    }
}

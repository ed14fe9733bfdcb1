package dev.usher.servlet;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.ServletResponseWrapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * {@code RequestDispatcher}s of a context: by path (resolved as a request would be, within the
 * same context) or by servlet name. A forward hands the whole response to the target and
 * closes it; an include lets the target add to the body only.
 */
final class Dispatch implements RequestDispatcher {

    private final ContextState context;
    private final ActiveServlet servlet;
    private final DispatchedRequest.Target target;
    private final String query;

    private Dispatch(ContextState context, ActiveServlet servlet, DispatchedRequest.Target target, String query) {
        this.context = context;
        this.servlet = servlet;
        this.target = target;
        this.query = query;
    }

    /**
     * Where a path within the context (it may carry a query) leads: the servlet serving it and
     * how its pattern matched, both null when nothing serves it or the path climbs above the
     * context.
     *
     * @param path the path without its query, {@code .} and {@code ..} segments resolved
     */
    record Destination(String path, String query, ActiveServlet servlet, DispatchedRequest.Target target) {

        static Destination of(ContextRouting routing, String pathAndQuery) {
            int question = pathAndQuery.indexOf('?');
            String query = question < 0 ? null : pathAndQuery.substring(question + 1);
            String raw = question < 0 ? pathAndQuery : pathAndQuery.substring(0, question);
            String path = normalise(raw);
            var resolved = path == null ? null : routing.mappings().resolve(path);
            if (resolved == null) {
                return new Destination(path == null ? raw : path, query, null, null);
            }
            return new Destination(path, query, resolved.target(),
                    new DispatchedRequest.Target(path, resolved.pattern(), resolved.match()));
        }
    }

    /** A dispatcher to {@code path} (within the context, may carry a query); null when nothing serves it. */
    static RequestDispatcher forPath(ContextState context, String path) {
        if (path == null || !path.startsWith("/")) {
            return null;
        }
        Destination destination = Destination.of(context.runtime().routing(), path);
        return destination.servlet() == null ? null
                : new Dispatch(context, destination.servlet(), destination.target(), destination.query());
    }

    /** A dispatcher to {@code path}, relative to {@code request}'s own path unless it starts with {@code /}. */
    static RequestDispatcher forRelativePath(ContextState context, HttpServletRequest request, String path) {
        if (path == null) {
            return null;
        }
        if (!path.startsWith("/")) {
            String current = pathWithin(request);
            path = current.substring(0, current.lastIndexOf('/') + 1) + path;
        }
        return forPath(context, path);
    }

    /** A dispatcher to the servlet named {@code name}; null for none. */
    static RequestDispatcher forName(ContextState context, String name) {
        ActiveServlet servlet = name == null ? null : context.runtime().routing().named().get(name);
        return servlet == null ? null : new Dispatch(context, servlet, null, null);
    }

    /** {@code path} without {@code .} and {@code ..} segments; null when it climbs above the context. */
    static String normalise(String path) {
        if (!path.contains("/.")) {
            return path;
        }
        java.util.ArrayDeque<String> segments = new java.util.ArrayDeque<>();
        for (String segment : path.substring(1).split("/", -1)) {
            if (segment.equals("..")) {
                if (segments.isEmpty()) {
                    return null;
                }
                segments.removeLast();
            } else if (!segment.equals(".")) {
                segments.addLast(segment);
            }
        }
        return "/" + String.join("/", segments);
    }

    @Override
    public void forward(ServletRequest request, ServletResponse response) throws ServletException, IOException {
        if (response.isCommitted()) {
            throw new IllegalStateException("forward after the response was committed");
        }
        response.resetBuffer();
        HttpServletRequest http = (HttpServletRequest) request;
        Map<String, Object> attributes = target == null ? Map.of() : DispatchedRequest.forwardAttributes(http);
        HttpServletRequest forwarded = new DispatchedRequest(http, DispatcherType.FORWARD, context, servlet, target, query,
                attributes);
        String path = target != null ? target.path() : pathWithin(http);
        List<ActiveFilter> filters = Chain.filters(context.runtime().routing(), servlet, path, DispatcherType.FORWARD);
        Chain.run(filters, servlet, forwarded, response);
        WhiteboardResponse root = root(response);
        if (root == null) {
            response.flushBuffer();
        } else if (!root.asyncStarted() && root.error() == null) {
            // "before the forward method returns, the response must be committed and closed";
            // handed to Usher unflushed, so that it is still sent with its length
            root.finish();
            root.closeBody();
        }
    }

    @Override
    public void include(ServletRequest request, ServletResponse response) throws ServletException, IOException {
        HttpServletRequest http = (HttpServletRequest) request;
        Map<String, Object> attributes = target == null ? Map.of()
                : DispatchedRequest.includeAttributes(http, target, query, servlet.name());
        HttpServletRequest included = new DispatchedRequest(http, DispatcherType.INCLUDE, context, servlet, null, query,
                attributes);
        String path = target != null ? target.path() : pathWithin(http);
        List<ActiveFilter> filters = Chain.filters(context.runtime().routing(), servlet, path, DispatcherType.INCLUDE);
        Chain.run(filters, servlet, included, new IncludedResponse((HttpServletResponse) response));
    }

    /** {@code request}'s path within its context: its servlet path and path info. */
    static String pathWithin(HttpServletRequest request) {
        return request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
    }

    /** The whiteboard's own response beneath any wrappers; null when a filter replaced it outright. */
    static WhiteboardResponse root(ServletResponse response) {
        while (response instanceof ServletResponseWrapper wrapper) {
            response = wrapper.getResponse();
        }
        return response instanceof WhiteboardResponse r ? r : null;
    }
}

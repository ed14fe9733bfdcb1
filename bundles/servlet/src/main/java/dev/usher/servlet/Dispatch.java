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

    /** A dispatcher to {@code path} (within the context, may carry a query); null when nothing serves it. */
    static RequestDispatcher forPath(ContextState context, String path) {
        if (path == null || !path.startsWith("/")) {
            return null;
        }
        int question = path.indexOf('?');
        String query = question < 0 ? null : path.substring(question + 1);
        String pure = normalise(question < 0 ? path : path.substring(0, question));
        if (pure == null) {
            return null;
        }
        var resolved = context.runtime().routing().mappings().resolve(pure);
        if (resolved == null) {
            return null;
        }
        return new Dispatch(context, resolved.target(),
                new DispatchedRequest.Target(pure, resolved.pattern(), resolved.match()), query);
    }

    /** A dispatcher to {@code path}, relative to {@code request}'s own path unless it starts with {@code /}. */
    static RequestDispatcher forRelativePath(ContextState context, HttpServletRequest request, String path) {
        if (path == null) {
            return null;
        }
        if (!path.startsWith("/")) {
            String current = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
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
        String path = target != null ? target.path() : pathOf(http);
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
        String path = target != null ? target.path() : pathOf(http);
        List<ActiveFilter> filters = Chain.filters(context.runtime().routing(), servlet, path, DispatcherType.INCLUDE);
        Chain.run(filters, servlet, included, new IncludedResponse((HttpServletResponse) response));
    }

    private static String pathOf(HttpServletRequest request) {
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

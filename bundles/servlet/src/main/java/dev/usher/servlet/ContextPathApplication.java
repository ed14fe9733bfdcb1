package dev.usher.servlet;

import java.util.List;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestEvent;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.osgi.service.servlet.context.ServletContextHelper;

import dev.usher.api.HttpApplication;
import dev.usher.api.HttpRequest;
import dev.usher.api.HttpResponse;

/**
 * The Usher application mounted at one of a context path's {@linkplain MountPrefixes mount
 * prefixes}: Usher routes a request here by the longest mount prefix. The contexts sharing the
 * path are tried best ranked first until one has a servlet or resource for the request
 * (Compendium 140.4); the preprocessors run, then the helper's {@code handleSecurity}, the
 * request listeners, the filters and the servlet.
 */
final class ContextPathApplication implements HttpApplication {

    private final Whiteboard whiteboard;
    private final String path;
    private final String belowContext;

    /**
     * @param path the context path it serves: empty for {@code /}
     * @param mountPrefix where it is mounted: the context path, or a prefix below it
     */
    ContextPathApplication(Whiteboard whiteboard, String path, String mountPrefix) {
        this.whiteboard = whiteboard;
        this.path = path;
        this.belowContext = mountPrefix.substring(path.length());
    }

    @Override
    public void handle(HttpRequest exchange, HttpResponse response) throws Exception {
        List<ContextRuntime> contexts = whiteboard.contextsAt(path);
        if (contexts.isEmpty()) {
            // the context went away between Usher's routing and this call
            response.status(404);
            return;
        }
        // Usher took the mount prefix off; the context takes only its own path off
        String within = belowContext + exchange.pathInfo();
        if (within.isEmpty()) {
            within = "/";
        }
        String scriptName = exchange.scriptName();
        String contextPath = scriptName.substring(0, scriptName.length() - belowContext.length());
        ContextRuntime chosen = contexts.get(0);
        ServletMappings.Resolved<ActiveServlet> resolved = null;
        for (ContextRuntime context : contexts) {
            resolved = context.routing().mappings().resolve(within);
            if (resolved != null) {
                chosen = context;
                break;
            }
        }
        ContextState state = chosen.state();
        ActiveServlet servlet = resolved == null ? null : resolved.target();
        BundleServletContext view = servlet != null ? servlet.context() : chosen.anyView();
        WhiteboardResponse servletResponse = new WhiteboardResponse(response, state.responseEncoding());
        WhiteboardRequest request = new WhiteboardRequest(exchange, servletResponse, state, view, servlet, contextPath,
                within, resolved);
        List<ActivePreprocessor> preprocessors = whiteboard.preprocessors();
        if (preprocessors.isEmpty()) {
            serve(state, request, servletResponse, request, servletResponse);
            return;
        }
        Preprocessing preprocessing = new Preprocessing(preprocessors, state, request, servletResponse);
        try {
            preprocessing.doFilter(request, servletResponse);
        } catch (Exception | LinkageError e) {
            ErrorPages.failed(state, request, servletResponse, e);
        }
        if (!preprocessing.served) {
            // a preprocessor answered itself
            servletResponse.finish();
            request.cleanUp();
        }
    }

    /**
     * The end of the preprocessors: the context's security, listeners, filters and servlet,
     * given {@code given} and {@code givenResponse} (a preprocessor's wrappers, or the request
     * itself) while the whiteboard keeps its books on its own request and response.
     */
    private static void serve(ContextState state, WhiteboardRequest request, WhiteboardResponse response,
            HttpServletRequest given, HttpServletResponse givenResponse)
            throws Exception {
        ContextRouting routing = state.runtime().routing();
        ActiveServlet servlet = request.servlet();
        // the servlet's view of the helper, else the context's own: the filters also run for a
        // request no servlet matches, and handleSecurity comes before them all the same
        BundleServletContext view = servlet != null ? servlet.context() : state.runtime().anyView();
        ServletContextHelper helper = view == null ? null : view.helper();
        boolean secured = false;
        ContextListeners listeners = state.listeners();
        ServletRequestEvent event = listeners.requests.isEmpty() ? null
                : new ServletRequestEvent(request.getServletContext(), request);
        // a request comes into scope as it is about to enter the first filter or servlet (Servlet
        // 6.0 ServletRequestListener): one handleSecurity refused hears neither event
        boolean inScope = false;
        try {
            if (helper != null && !helper.handleSecurity(given, givenResponse)) {
                if (!response.isCommitted() && response.error() == null && response.getStatus() < 400) {
                    response.sendError(403);
                }
            } else {
                secured = helper != null;
                inScope = true;
                if (event != null) {
                    listeners.fire(listeners.requests, l -> l.requestInitialized(event));
                }
                List<ActiveFilter> filters = Chain.filters(routing, servlet, request.path(), DispatcherType.REQUEST);
                request.asyncSupported(Chain.asyncSupported(filters, servlet));
                Chain.run(filters, servlet, given, givenResponse);
            }
            if (response.error() != null) {
                ErrorPages.sendError(state, request, response);
            }
        } catch (Exception | LinkageError | StackOverflowError e) {
            ErrorPages.failed(state, request, response, e);
        } finally {
            if (secured) {
                helper.finishSecurity(given, givenResponse);
            }
        }
        AsyncState async = request.async();
        if (async != null && async.started()) {
            async.callReturned();
            return;
        }
        if (event != null && inScope) {
            listeners.fire(listeners.requests, l -> l.requestDestroyed(event));
        }
        try {
            response.finish();
        } finally {
            request.cleanUp();
        }
    }

    /** The preprocessors, in ranking order, ending in the context's own processing. */
    private static final class Preprocessing implements FilterChain {
        private final List<ActivePreprocessor> preprocessors;
        private final ContextState state;
        private final WhiteboardRequest request;
        private final WhiteboardResponse response;
        private int next;
        boolean served;

        Preprocessing(List<ActivePreprocessor> preprocessors, ContextState state, WhiteboardRequest request,
                WhiteboardResponse response) {
            this.preprocessors = preprocessors;
            this.state = state;
            this.request = request;
            this.response = response;
        }

        @Override
        public void doFilter(ServletRequest req, ServletResponse res) throws java.io.IOException, jakarta.servlet.ServletException {
            if (next < preprocessors.size()) {
                preprocessors.get(next++).preprocessor().doFilter(req, res, this);
                return;
            }
            served = true;
            try {
                serve(state, request, response, (HttpServletRequest) req,
                        (HttpServletResponse) res);
            } catch (java.io.IOException | jakarta.servlet.ServletException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new jakarta.servlet.ServletException(e);
            }
        }
    }
}

package dev.usher.itests.dyn;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.servlet.context.ServletContextHelper;

/**
 * The servlet application inside the bundles {@code WhiteboardDynamicsIT} builds on the fly: a
 * {@link BundleActivator} that, when its bundle starts, registers a context helper
 * ({@value #CONTEXT} at {@value #CONTEXT_PATH}), a filter and a servlet in that context, in
 * the order its {@value #ORDER_HEADER} manifest header names, and unregisters them in the
 * reverse order when it stops. The answer of a version is its {@value #ANSWER_HEADER} header.
 *
 * <p>The servlet and the filter count their {@code init} and {@code destroy} calls, and every
 * call the container makes outside their life (before {@code init}, after {@code destroy}, or a
 * {@code destroy} while a call was in progress), in system properties: the test reads them
 * across the bundle's revisions and class loaders. A call outside the life also throws, so the
 * client sees a {@code 500}. Nested classes only, no anonymous ones: the bundle holds exactly
 * the classes listed in {@link #CLASSES}.
 */
public final class DynamicsApp implements BundleActivator {

    /** The manifest header holding the answer of this version. */
    public static final String ANSWER_HEADER = "Dyn-Answer";
    /** The manifest header naming the registration order: {@link #CONTEXT_FIRST} or {@link #SERVLET_FIRST}. */
    public static final String ORDER_HEADER = "Dyn-Order";
    /** The context helper, then the filter, then the servlet. */
    public static final String CONTEXT_FIRST = "context-first";
    /** The filter, then the servlet (which selects a context not there yet), then the context helper. */
    public static final String SERVLET_FIRST = "servlet-first";

    public static final String CONTEXT = "dyn";
    public static final String CONTEXT_PATH = "/dyn";
    public static final String SERVLET_NAME = "dyn-servlet";
    public static final String SERVLET_PATTERN = "/hello/*";
    public static final String FILTER_NAME = "dyn-filter";

    /** The counters, as system property names. */
    public static final String SERVLET_INIT = "usher.itest.dyn.servlet.init";
    public static final String SERVLET_DESTROY = "usher.itest.dyn.servlet.destroy";
    public static final String FILTER_INIT = "usher.itest.dyn.filter.init";
    public static final String FILTER_DESTROY = "usher.itest.dyn.filter.destroy";
    /** Calls of {@code service} or {@code doFilter} before {@code init} or after {@code destroy}. */
    public static final String OUTSIDE_LIFE = "usher.itest.dyn.outside";
    /** A {@code destroy} while a {@code service} or {@code doFilter} call was still running. */
    public static final String DESTROYED_IN_CALL = "usher.itest.dyn.destroyed-in-call";
    /**
     * Requests {@code ?hold} that entered the servlet: each then waits for the gate, a
     * {@link CountDownLatch} service the test registers, to open.
     */
    public static final String HELD = "usher.itest.dyn.held";
    public static final List<String> COUNTERS = List.of(SERVLET_INIT, SERVLET_DESTROY, FILTER_INIT, FILTER_DESTROY,
            OUTSIDE_LIFE, DESTROYED_IN_CALL, HELD);

    /** Every class of the application, for the bundle builder. */
    public static final List<Class<?>> CLASSES = List.of(DynamicsApp.class, DynServlet.class, DynFilter.class,
            DynContext.class);

    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();

    /** Adds one to the counter {@code name}; atomic ({@code Properties.compute} is synchronized). */
    public static void count(String name) {
        System.getProperties().compute(name, (k, v) -> String.valueOf(v == null ? 1 : Integer.parseInt((String) v) + 1));
    }

    /** The counter {@code name}. */
    public static int counted(String name) {
        return Integer.getInteger(name, 0);
    }

    @Override
    public void start(BundleContext context) {
        Bundle bundle = context.getBundle();
        String answer = bundle.getHeaders().get(ANSWER_HEADER);
        String order = bundle.getHeaders().get(ORDER_HEADER);
        String select = "(osgi.http.whiteboard.context.name=" + CONTEXT + ")";
        if (SERVLET_FIRST.equals(order)) {
            registerFilter(context, answer, select);
            registerServlet(context, answer, select);
            registerContext(context, answer);
        } else {
            registerContext(context, answer);
            registerFilter(context, answer, select);
            registerServlet(context, answer, select);
        }
    }

    @Override
    public void stop(BundleContext context) {
        for (int i = registrations.size() - 1; i >= 0; i--) {
            registrations.get(i).unregister();
        }
        registrations.clear();
    }

    private void registerContext(BundleContext context, String answer) {
        registrations.add(context.registerService(ServletContextHelper.class, new DynContext(context.getBundle(), answer),
                props("osgi.http.whiteboard.context.name", CONTEXT, "osgi.http.whiteboard.context.path", CONTEXT_PATH)));
    }

    private void registerFilter(BundleContext context, String answer, String select) {
        registrations.add(context.registerService(Filter.class, new DynFilter(answer),
                props("osgi.http.whiteboard.filter.pattern", "/*", "osgi.http.whiteboard.filter.name", FILTER_NAME,
                        "osgi.http.whiteboard.context.select", select)));
    }

    private void registerServlet(BundleContext context, String answer, String select) {
        registrations.add(context.registerService(Servlet.class, new DynServlet(answer, context),
                props("osgi.http.whiteboard.servlet.pattern", SERVLET_PATTERN, "osgi.http.whiteboard.servlet.name",
                        SERVLET_NAME, "osgi.http.whiteboard.context.select", select)));
    }

    private static Dictionary<String, Object> props(String... keysAndValues) {
        Hashtable<String, Object> properties = new Hashtable<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            properties.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return properties;
    }

    /**
     * Answers {@code ANSWER cp=CONTEXT_PATH filter=ANSWER helper=ANSWER}: all three pieces took
     * part; a request {@code ?hold} first waits for the gate, and adds {@code held}.
     */
    public static final class DynServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        private final String answer;
        private final BundleContext bundleContext;
        private volatile boolean live;

        DynServlet(String answer, BundleContext bundleContext) {
            this.answer = answer;
            this.bundleContext = bundleContext;
        }

        @Override
        public void init() {
            live = true;
            count(SERVLET_INIT);
        }

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            if (!live) {
                count(OUTSIDE_LIFE);
                throw new IllegalStateException("servlet " + answer + " called outside init..destroy");
            }
            String read = "";
            if ("hold".equals(req.getQueryString())) {
                count(HELD);
                awaitGate();
                read = " held";
            }
            resp.setContentType("text/plain");
            resp.getWriter().print(answer + " cp=" + req.getContextPath() + " filter=" + req.getAttribute("dyn.filter")
                    + " helper=" + req.getAttribute("dyn.helper") + read);
            if (!live) {
                count(DESTROYED_IN_CALL);
                throw new IllegalStateException("servlet " + answer + " destroyed while its service ran");
            }
        }

        /** Waits until the test opens its gate (20 s at most). */
        private void awaitGate() throws IOException {
            try {
                ServiceReference<?>[] gates = bundleContext.getAllServiceReferences(CountDownLatch.class.getName(), null);
                if (gates == null) {
                    throw new IOException("no gate registered");
                }
                CountDownLatch gate = (CountDownLatch) bundleContext.getService(gates[0]);
                try {
                    if (gate == null || !gate.await(20, TimeUnit.SECONDS)) {
                        throw new IOException("the gate did not open");
                    }
                } finally {
                    try {
                        bundleContext.ungetService(gates[0]);
                    } catch (IllegalStateException stopped) {
                        // the bundle stopped meanwhile: the framework took the gate back
                    }
                }
            } catch (InvalidSyntaxException | InterruptedException e) {
                throw new IOException(e);
            }
        }

        @Override
        public void destroy() {
            live = false;
            count(SERVLET_DESTROY);
        }
    }

    /** Marks the request with its answer, around the rest of the chain. */
    public static final class DynFilter implements Filter {
        private final String answer;
        private volatile boolean live;

        DynFilter(String answer) {
            this.answer = answer;
        }

        @Override
        public void init(FilterConfig config) {
            live = true;
            count(FILTER_INIT);
        }

        @Override
        public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
                throws IOException, ServletException {
            if (!live) {
                count(OUTSIDE_LIFE);
                throw new IllegalStateException("filter " + answer + " called outside init..destroy");
            }
            request.setAttribute("dyn.filter", answer);
            chain.doFilter(request, response);
            if (!live) {
                count(DESTROYED_IN_CALL);
                throw new IllegalStateException("filter " + answer + " destroyed while its doFilter ran");
            }
        }

        @Override
        public void destroy() {
            live = false;
            count(FILTER_DESTROY);
        }
    }

    /** The context's helper: lets every request in, marked with its answer. */
    public static final class DynContext extends ServletContextHelper {
        private final String answer;

        DynContext(Bundle bundle, String answer) {
            super(bundle);
            this.answer = answer;
        }

        @Override
        public boolean handleSecurity(HttpServletRequest request, HttpServletResponse response) {
            request.setAttribute("dyn.helper", answer);
            return true;
        }
    }
}

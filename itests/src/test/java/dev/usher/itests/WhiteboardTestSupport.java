package dev.usher.itests;

import java.io.IOException;
import java.util.Hashtable;
import java.util.Map;

import javax.inject.Inject;

import jakarta.servlet.Filter;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.junit.Before;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.servlet.runtime.HttpServiceRuntime;

import dev.usher.itests.ClientConnection.Response;

/**
 * What the servlet whiteboard's conformance tests share: a server on a free port, whiteboard
 * services registered with given properties (unregistered after each test), and a servlet that
 * reports the paths it sees.
 */
public abstract class WhiteboardTestSupport extends UsherTestSupport {

    @Inject
    protected HttpServiceRuntime runtime;

    protected int port;

    @Before
    public void startServer() throws Exception {
        port = freePort();
        configureDefaultServer("listen", "127.0.0.1:" + port);
        Await.condition("the server on " + port, () -> !ClientConnection.refuses(port));
    }

    /** Service properties from alternating keys and values. */
    protected static Hashtable<String, Object> props(Object... keysAndValues) {
        Hashtable<String, Object> properties = new Hashtable<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            properties.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return properties;
    }

    /** Registers {@code service} as {@code type}; unregistered after the test. */
    protected <S> ServiceRegistration<S> register(Class<S> type, S service, Hashtable<String, Object> properties) {
        ServiceRegistration<S> registration = context.registerService(type, service, properties);
        track(registration);
        return registration;
    }

    protected ServiceRegistration<Servlet> servlet(Servlet servlet, Object... keysAndValues) {
        return register(Servlet.class, servlet, props(keysAndValues));
    }

    protected ServiceRegistration<Filter> filter(Filter filter, Object... keysAndValues) {
        return register(Filter.class, filter, props(keysAndValues));
    }

    /** A GET of {@code target} on the test server. */
    protected Response get(String target) throws IOException {
        return ClientConnection.get(port, target);
    }

    /** Waits until {@code target} answers {@code status}, and returns that answer. */
    protected Response await(String target, int status) {
        return Await.until(target + " answering " + status, () -> {
            Response r = get(target);
            return r.status() == status ? r : null;
        });
    }

    /** A servlet answering {@code NAME cp=CONTEXT sp=SERVLET pi=INFO} for every method. */
    protected static Servlet paths(String name) {
        return new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.setContentType("text/plain");
                resp.getWriter().print(name + " cp=" + req.getContextPath() + " sp=" + req.getServletPath() + " pi="
                        + req.getPathInfo());
            }
        };
    }

    /** A servlet answering {@code text}. */
    protected static Servlet text(String text) {
        return new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.setContentType("text/plain");
                resp.getWriter().print(text);
            }
        };
    }

    /** A request with headers. */
    protected Response request(String method, String target, Map<String, String> headers, byte[] body)
            throws IOException {
        try (ClientConnection c = ClientConnection.open(port)) {
            return c.request(method, target, headers, body);
        }
    }
}

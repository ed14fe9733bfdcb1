package dev.usher.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.osgi.service.servlet.whiteboard.HttpWhiteboardConstants.*;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContextAttributeEvent;
import jakarta.servlet.ServletContextAttributeListener;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestAttributeEvent;
import jakarta.servlet.ServletRequestAttributeListener;
import jakarta.servlet.ServletRequestEvent;
import jakarta.servlet.ServletRequestListener;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpSessionAttributeListener;
import jakarta.servlet.http.HttpSessionBindingEvent;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionIdListener;
import jakarta.servlet.http.HttpSessionListener;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.servlet.context.ServletContextHelper;
import org.osgi.service.servlet.runtime.dto.DTOConstants;
import org.osgi.service.servlet.runtime.dto.FailedListenerDTO;
import org.osgi.service.servlet.runtime.dto.ListenerDTO;
import org.osgi.service.servlet.runtime.dto.RuntimeDTO;
import org.osgi.service.servlet.runtime.dto.ServletContextDTO;

import dev.usher.itests.ClientConnection.Response;

/**
 * Compendium 140.7 (listeners): listener services ({@code osgi.http.whiteboard.listener=true})
 * hear the events of the interfaces they are registered as, and only those: context lifecycle
 * and attributes, requests (also asynchronous ones) and their attributes, sessions (created,
 * invalidated, expired, dropped with their context), their attributes and their ids.
 * {@code osgi.http.whiteboard.listener=false} opts out, as if the property were missing.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class WhiteboardListenersIT extends WhiteboardTestSupport {

    @Configuration
    public Option[] configuration() {
        return UsherOptions.withServletWhiteboard();
    }

    /** What the listeners of a test heard, in order. */
    private final List<String> events = new CopyOnWriteArrayList<>();

    /** Registers {@code listener} as the listener interfaces {@code types}; unregistered after the test. */
    private ServiceRegistration<?> listener(Object listener, List<Class<?>> types, Object... keysAndValues) {
        var properties = props(keysAndValues);
        properties.putIfAbsent(HTTP_WHITEBOARD_LISTENER, "true");
        ServiceRegistration<?> registration = context.registerService(
                types.stream().map(Class::getName).toArray(String[]::new), listener, properties);
        track(registration);
        return registration;
    }

    private static long id(ServiceRegistration<?> registration) {
        return (Long) registration.getReference().getProperty(Constants.SERVICE_ID);
    }

    private void awaitEvents(String... expected) {
        awaitEvents(events, List.of(expected));
    }

    /** Waits until {@code heard} is {@code expected}; else fails showing what was heard in the end. */
    private static void awaitEvents(List<String> heard, List<String> expected) {
        try {
            Await.condition("the events " + expected, () -> heard.equals(expected));
        } catch (AssertionError timedOut) {
            assertEquals("the events heard", expected, heard);
            throw timedOut;
        }
    }

    @Test
    public void aContextListenerHearsItsContextComeAndGo() throws Exception {
        ServletContextListener recording = new ServletContextListener() {
            @Override
            public void contextInitialized(ServletContextEvent sce) {
                events.add("initialized " + sce.getServletContext().getServletContextName());
            }

            @Override
            public void contextDestroyed(ServletContextEvent sce) {
                events.add("destroyed " + sce.getServletContext().getServletContextName());
            }
        };
        ServiceRegistration<?> inDefault = listener(recording, List.of(ServletContextListener.class));
        assertEquals("told as it joins the default context", List.of("initialized default"), events);
        inDefault.unregister();
        assertEquals("told as it leaves", List.of("initialized default", "destroyed default"), events);

        events.clear();
        ServiceRegistration<ServletContextHelper> helper = register(ServletContextHelper.class,
                new ServletContextHelper() {
                }, props(HTTP_WHITEBOARD_CONTEXT_NAME, "listened", HTTP_WHITEBOARD_CONTEXT_PATH, "/listened"));
        ServiceRegistration<?> inOwn = listener(recording, List.of(ServletContextListener.class),
                HTTP_WHITEBOARD_CONTEXT_SELECT, "(" + HTTP_WHITEBOARD_CONTEXT_NAME + "=listened)");
        assertEquals(List.of("initialized listened"), events);
        helper.unregister();
        assertEquals("told as its context goes", List.of("initialized listened", "destroyed listened"), events);
        FailedListenerDTO orphan = failedListener(runtime.getRuntimeDTO(), id(inOwn));
        assertNotNull("a listener without a context is a failure", orphan);
        assertEquals(DTOConstants.FAILURE_REASON_NO_SERVLET_CONTEXT_MATCHING, orphan.failureReason);
    }

    @Test
    public void theContextListenerIsToldBeforeFiltersAndServletsStartAndAfterTheyEnd() throws Exception {
        String select = "(" + HTTP_WHITEBOARD_CONTEXT_NAME + "=ordered)";
        listener(new ServletContextListener() {
            @Override
            public void contextInitialized(ServletContextEvent sce) {
                events.add("context initialized");
            }

            @Override
            public void contextDestroyed(ServletContextEvent sce) {
                events.add("context destroyed");
            }
        }, List.of(ServletContextListener.class), HTTP_WHITEBOARD_CONTEXT_SELECT, select);
        servlet(new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            public void init() {
                events.add("servlet init");
            }

            @Override
            public void destroy() {
                events.add("servlet destroy");
            }
        }, HTTP_WHITEBOARD_SERVLET_PATTERN, "/s", HTTP_WHITEBOARD_CONTEXT_SELECT, select);
        filter(new Filter() {
            @Override
            public void init(FilterConfig config) {
                events.add("filter init");
            }

            @Override
            public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
                    throws IOException, ServletException {
                chain.doFilter(request, response);
            }

            @Override
            public void destroy() {
                events.add("filter destroy");
            }
        }, HTTP_WHITEBOARD_FILTER_PATTERN, "/*", HTTP_WHITEBOARD_CONTEXT_SELECT, select);
        assertEquals("all wait for their context", List.of(), events);

        // the context comes after its members: the listener still hears first (Servlet 6.0 4.4, 11.3)
        ServiceRegistration<ServletContextHelper> helper = register(ServletContextHelper.class,
                new ServletContextHelper() {
                }, props(HTTP_WHITEBOARD_CONTEXT_NAME, "ordered", HTTP_WHITEBOARD_CONTEXT_PATH, "/ordered"));
        assertEquals(List.of("context initialized", "filter init", "servlet init"), events);
        helper.unregister();
        assertEquals("the context listener hears last", "context destroyed", events.get(events.size() - 1));
        assertEquals(Set.of("context initialized", "filter init", "servlet init", "filter destroy", "servlet destroy",
                "context destroyed"), Set.copyOf(events));
        assertEquals(6, events.size());
    }

    @Test
    public void aRequestRefusedByHandleSecurityNeverReachesTheRequestListeners() throws Exception {
        String select = "(" + HTTP_WHITEBOARD_CONTEXT_NAME + "=guarded)";
        register(ServletContextHelper.class, new ServletContextHelper() {
            @Override
            public boolean handleSecurity(HttpServletRequest request, HttpServletResponse response) {
                return request.getParameter("pass") != null;
            }
        }, props(HTTP_WHITEBOARD_CONTEXT_NAME, "guarded", HTTP_WHITEBOARD_CONTEXT_PATH, "/guarded"));
        listener(new ServletRequestListener() {
            @Override
            public void requestInitialized(ServletRequestEvent sre) {
                events.add("initialized " + sre.getServletRequest().getParameter("n"));
            }

            @Override
            public void requestDestroyed(ServletRequestEvent sre) {
                events.add("destroyed " + sre.getServletRequest().getParameter("n"));
            }
        }, List.of(ServletRequestListener.class), HTTP_WHITEBOARD_CONTEXT_SELECT, select);
        servlet(text("inside"), HTTP_WHITEBOARD_SERVLET_PATTERN, "/s", HTTP_WHITEBOARD_CONTEXT_SELECT, select);
        assertEquals(403, get("/guarded/s?n=1").status());
        assertEquals("inside", get("/guarded/s?n=2&pass").text());
        // the refused request never came into scope (Servlet 6.0 ServletRequestListener): neither event
        awaitEvents("initialized 2", "destroyed 2");
    }

    @Test
    public void contextAttributeListenerHearsAddReplaceRemove() throws Exception {
        listener(new ServletContextAttributeListener() {
            @Override
            public void attributeAdded(ServletContextAttributeEvent e) {
                events.add("added " + e.getName() + "=" + e.getValue());
            }

            @Override
            public void attributeReplaced(ServletContextAttributeEvent e) {
                events.add("replaced " + e.getName() + "=" + e.getValue());
            }

            @Override
            public void attributeRemoved(ServletContextAttributeEvent e) {
                events.add("removed " + e.getName() + "=" + e.getValue());
            }
        }, List.of(ServletContextAttributeListener.class));
        servlet(new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                var context = req.getServletContext();
                context.setAttribute("colour", "red");
                context.setAttribute("colour", "blue");
                context.removeAttribute("colour");
                context.removeAttribute("never.set");
                resp.getWriter().print("done");
            }
        }, HTTP_WHITEBOARD_SERVLET_PATTERN, "/ctx-attributes");
        assertEquals("done", get("/ctx-attributes").text());
        // replaced and removed carry the value that was there (Servlet 6.0 ServletContextAttributeEvent)
        awaitEvents("added colour=red", "replaced colour=red", "removed colour=blue");
    }

    @Test
    public void requestListenerHearsEveryRequestBeginAndEnd() throws Exception {
        listener(new ServletRequestListener() {
            @Override
            public void requestInitialized(ServletRequestEvent sre) {
                events.add("initialized " + ((HttpServletRequest) sre.getServletRequest()).getRequestURI());
            }

            @Override
            public void requestDestroyed(ServletRequestEvent sre) {
                events.add("destroyed " + ((HttpServletRequest) sre.getServletRequest()).getRequestURI());
            }
        }, List.of(ServletRequestListener.class));
        servlet(new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                events.add("service");
                resp.getWriter().print("served");
            }
        }, HTTP_WHITEBOARD_SERVLET_PATTERN, "/requests");
        assertEquals("served", get("/requests").text());
        awaitEvents("initialized /requests", "service", "destroyed /requests");
        assertEquals("served", get("/requests?again").text());
        awaitEvents("initialized /requests", "service", "destroyed /requests",
                "initialized /requests", "service", "destroyed /requests");
    }

    @Test
    public void anAsynchronousRequestEndsForTheListenerWhenItCompletes() throws Exception {
        listener(new ServletRequestListener() {
            @Override
            public void requestInitialized(ServletRequestEvent sre) {
                events.add("initialized");
            }

            @Override
            public void requestDestroyed(ServletRequestEvent sre) {
                events.add("destroyed");
            }
        }, List.of(ServletRequestListener.class));
        BlockingQueue<AsyncContext> started = new LinkedBlockingQueue<>();
        servlet(new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
                AsyncContext async = req.startAsync();
                events.add("returns");
                started.add(async);
            }
        }, HTTP_WHITEBOARD_SERVLET_PATTERN, "/async-listened", HTTP_WHITEBOARD_SERVLET_ASYNC_SUPPORTED, true);
        try (ClientConnection c = ClientConnection.open(port)) {
            c.send("GET", "/async-listened", Map.of(), new byte[0]);
            AsyncContext async = started.poll(10, TimeUnit.SECONDS);
            assertNotNull("the servlet started async", async);
            assertTrue("nothing answered before complete", c.quietFor(Duration.ofMillis(100)));
            assertEquals("not destroyed while asynchronous", List.of("initialized", "returns"), events);
            async.getResponse().getWriter().print("completed");
            async.complete();
            Response response = c.readResponse();
            assertEquals(200, response.status());
            assertEquals("completed", response.text());
        }
        awaitEvents("initialized", "returns", "destroyed");
    }

    @Test
    public void requestAttributeListenerHearsAddReplaceRemove() throws Exception {
        listener(new ServletRequestAttributeListener() {
            @Override
            public void attributeAdded(ServletRequestAttributeEvent e) {
                events.add("added " + e.getName() + "=" + e.getValue());
            }

            @Override
            public void attributeReplaced(ServletRequestAttributeEvent e) {
                events.add("replaced " + e.getName() + "=" + e.getValue());
            }

            @Override
            public void attributeRemoved(ServletRequestAttributeEvent e) {
                events.add("removed " + e.getName() + "=" + e.getValue());
            }
        }, List.of(ServletRequestAttributeListener.class));
        servlet(new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                req.setAttribute("size", "S");
                req.setAttribute("size", "M");
                req.removeAttribute("size");
                req.removeAttribute("absent");
                resp.getWriter().print("done");
            }
        }, HTTP_WHITEBOARD_SERVLET_PATTERN, "/req-attributes");
        assertEquals("done", get("/req-attributes").text());
        awaitEvents("added size=S", "replaced size=S", "removed size=M");
    }

    /** Creates, changes, invalidates sessions as {@code ?do=} says, and answers the session's id. */
    private static HttpServlet sessionServlet() {
        return new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                String action = req.getParameter("do");
                HttpSession session = req.getSession(action.equals("create") || action.equals("short"));
                if (session == null) {
                    resp.getWriter().print("none");
                    return;
                }
                switch (action) {
                    case "create" -> {
                        session.setAttribute("user", "ann");
                        session.setAttribute("user", "bob");
                    }
                    case "short" -> session.setMaxInactiveInterval(1);
                    case "change" -> req.changeSessionId();
                    case "remove" -> session.removeAttribute("user");
                    case "invalidate" -> session.invalidate();
                    default -> {
                        // "look": the session found by the cookie
                    }
                }
                resp.getWriter().print(action.equals("invalidate") ? "invalidated" : session.getId());
            }
        };
    }

    private static String cookie(Response response) {
        String setCookie = response.header("Set-Cookie");
        assertNotNull("a session cookie in " + response, setCookie);
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    private Response withCookie(String target, String cookie) throws IOException {
        return request("GET", target, Map.of("Cookie", cookie), new byte[0]);
    }

    @Test
    public void sessionListenersHearCreationAttributesIdChangesAndInvalidation() throws Exception {
        class SessionRecorder implements HttpSessionListener, HttpSessionAttributeListener, HttpSessionIdListener {
            @Override
            public void sessionCreated(HttpSessionEvent se) {
                events.add("created " + se.getSession().getId());
            }

            @Override
            public void sessionDestroyed(HttpSessionEvent se) {
                // still readable: the listener is told before the session is invalid
                events.add("destroyed " + se.getSession().getId() + " user=" + se.getSession().getAttribute("user"));
            }

            @Override
            public void attributeAdded(HttpSessionBindingEvent e) {
                events.add("added " + e.getName() + "=" + e.getValue());
            }

            @Override
            public void attributeReplaced(HttpSessionBindingEvent e) {
                events.add("replaced " + e.getName() + "=" + e.getValue());
            }

            @Override
            public void attributeRemoved(HttpSessionBindingEvent e) {
                events.add("removed " + e.getName() + "=" + e.getValue());
            }

            @Override
            public void sessionIdChanged(HttpSessionEvent event, String oldSessionId) {
                events.add("id " + oldSessionId + " -> " + event.getSession().getId());
            }
        }
        listener(new SessionRecorder(), List.of(HttpSessionListener.class, HttpSessionAttributeListener.class,
                HttpSessionIdListener.class));
        servlet(sessionServlet(), HTTP_WHITEBOARD_SERVLET_PATTERN, "/session");

        Response created = get("/session?do=create");
        String id = created.text();
        String cookie = cookie(created);
        assertEquals("JSESSIONID=" + id, cookie);
        awaitEvents("created " + id, "added user=ann", "replaced user=ann");

        Response changed = withCookie("/session?do=change", cookie);
        String newId = changed.text();
        assertNotEquals(id, newId);
        assertEquals("the new id goes to the client", "JSESSIONID=" + newId, cookie(changed));
        awaitEvents("created " + id, "added user=ann", "replaced user=ann", "id " + id + " -> " + newId);

        events.clear();
        assertEquals("invalidated", withCookie("/session?do=invalidate", "JSESSIONID=" + newId).text());
        awaitEvents("destroyed " + newId + " user=bob", "removed user=bob");
        assertEquals("none", withCookie("/session?do=look", "JSESSIONID=" + newId).text());
    }

    @Test
    public void anExpiredSessionIsDestroyedByTheNextRequestOrByHousekeeping() throws Exception {
        listener(new HttpSessionListener() {
            @Override
            public void sessionCreated(HttpSessionEvent se) {
                events.add("created " + se.getSession().getId());
            }

            @Override
            public void sessionDestroyed(HttpSessionEvent se) {
                events.add("destroyed " + se.getSession().getId());
            }
        }, List.of(HttpSessionListener.class));
        servlet(sessionServlet(), HTTP_WHITEBOARD_SERVLET_PATTERN, "/session");

        Response first = get("/session?do=short");
        Response second = get("/session?do=short");
        long lastAccess = System.currentTimeMillis();
        String visited = first.text();
        String forgotten = second.text();
        awaitEvents("created " + visited, "created " + forgotten);

        // a second of inactivity: the next request with the cookie finds the session expired
        Await.condition("a second and a bit since the last access", Duration.ofSeconds(5),
                () -> System.currentTimeMillis() - lastAccess > 1_200);
        assertEquals("none", withCookie("/session?do=look", cookie(first)).text());
        assertTrue(events.toString(), events.contains("destroyed " + visited));

        // the other one nobody asks for: the whiteboard's housekeeping (every 10 s) ends it
        try {
            Await.condition("housekeeping to destroy " + forgotten, Duration.ofSeconds(25),
                    () -> events.contains("destroyed " + forgotten));
        } catch (AssertionError timedOut) {
            throw new AssertionError(timedOut.getMessage() + ", heard " + events, timedOut);
        }
        assertEquals("each told once", 4, events.size());
    }

    @Test
    public void sessionsOfAContextThatGoesAreDestroyedBeforeTheContext() throws Exception {
        class Recorder implements HttpSessionListener, ServletContextListener {
            @Override
            public void sessionDestroyed(HttpSessionEvent se) {
                events.add("session destroyed");
            }

            @Override
            public void contextDestroyed(ServletContextEvent sce) {
                events.add("context destroyed");
            }
        }
        String select = "(" + HTTP_WHITEBOARD_CONTEXT_NAME + "=sessioned)";
        ServiceRegistration<ServletContextHelper> helper = register(ServletContextHelper.class,
                new ServletContextHelper() {
                }, props(HTTP_WHITEBOARD_CONTEXT_NAME, "sessioned", HTTP_WHITEBOARD_CONTEXT_PATH, "/sessioned"));
        listener(new Recorder(), List.of(HttpSessionListener.class, ServletContextListener.class),
                HTTP_WHITEBOARD_CONTEXT_SELECT, select);
        servlet(sessionServlet(), HTTP_WHITEBOARD_SERVLET_PATTERN, "/session", HTTP_WHITEBOARD_CONTEXT_SELECT, select);
        assertEquals(200, get("/sessioned/session?do=create").status());
        helper.unregister();
        assertEquals(List.of("session destroyed", "context destroyed"), events);
    }

    @Test
    public void aListenerHearsOnlyTheInterfacesItIsRegisteredAs() throws Exception {
        class Both implements ServletRequestListener, HttpSessionListener {
            @Override
            public void requestInitialized(ServletRequestEvent sre) {
                events.add("request");
            }

            @Override
            public void sessionCreated(HttpSessionEvent se) {
                events.add("session");
            }
        }
        ServiceRegistration<?> registration = listener(new Both(), List.of(ServletRequestListener.class));
        servlet(sessionServlet(), HTTP_WHITEBOARD_SERVLET_PATTERN, "/session");
        assertNotNull(cookie(get("/session?do=create")));
        awaitEvents("request");
        ListenerDTO dto = listenerDto(runtime.getRuntimeDTO(), id(registration));
        assertNotNull(dto);
        assertEquals(List.of(ServletRequestListener.class.getName()), Arrays.asList(dto.types));
    }

    @Test
    public void listenerFalseOptsOutAndAnyOtherValueFails() throws Exception {
        ServletRequestListener recording = new ServletRequestListener() {
            @Override
            public void requestInitialized(ServletRequestEvent sre) {
                events.add("heard");
            }
        };
        ServiceRegistration<?> optedOut = listener(recording, List.of(ServletRequestListener.class),
                HTTP_WHITEBOARD_LISTENER, "false");
        ServiceRegistration<?> optedOutUpper = listener(recording, List.of(ServletRequestListener.class),
                HTTP_WHITEBOARD_LISTENER, "FALSE");
        ServiceRegistration<?> optedOutBoolean = listener(recording, List.of(ServletRequestListener.class),
                HTTP_WHITEBOARD_LISTENER, Boolean.FALSE);
        ServiceRegistration<?> invalid = listener(recording, List.of(ServletRequestListener.class),
                HTTP_WHITEBOARD_LISTENER, "yes");
        ServiceRegistration<?> optedInUpper = listener(recording, List.of(ServletRequestListener.class),
                HTTP_WHITEBOARD_LISTENER, "TRUE");
        servlet(text("plain"), HTTP_WHITEBOARD_SERVLET_PATTERN, "/plain");
        assertEquals("plain", get("/plain").text());
        awaitEvents("heard");

        RuntimeDTO dto = runtime.getRuntimeDTO();
        for (ServiceRegistration<?> out : List.of(optedOut, optedOutUpper, optedOutBoolean)) {
            assertNull("false is as if the property were missing: no DTO", listenerDto(dto, id(out)));
            assertNull("false is as if the property were missing: no failure", failedListener(dto, id(out)));
        }
        FailedListenerDTO failed = failedListener(dto, id(invalid));
        assertNotNull("an invalid value is a failure", failed);
        assertEquals(DTOConstants.FAILURE_REASON_VALIDATION_FAILED, failed.failureReason);
        assertNotNull("true ignoring case", listenerDto(dto, id(optedInUpper)));

        // opting out later takes the listener out
        events.clear();
        optedInUpper.setProperties(props(HTTP_WHITEBOARD_LISTENER, "false"));
        assertEquals("plain", get("/plain").text());
        assertFalse(events.contains("heard"));
        assertNull(listenerDto(runtime.getRuntimeDTO(), id(optedInUpper)));
        assertNull(failedListener(runtime.getRuntimeDTO(), id(optedInUpper)));
    }

    @Test
    public void aFailingContextInitializedFailsTheListener() throws Exception {
        ServiceRegistration<?> failing = listener(new ServletContextListener() {
            @Override
            public void contextInitialized(ServletContextEvent sce) {
                throw new IllegalStateException("refused");
            }
        }, List.of(ServletContextListener.class));
        FailedListenerDTO failed = failedListener(runtime.getRuntimeDTO(), id(failing));
        assertNotNull(failed);
        assertEquals(DTOConstants.FAILURE_REASON_EXCEPTION_ON_INIT, failed.failureReason);
        assertNull(listenerDto(runtime.getRuntimeDTO(), id(failing)));
    }

    private static FailedListenerDTO failedListener(RuntimeDTO dto, long id) {
        for (FailedListenerDTO failed : dto.failedListenerDTOs) {
            if (failed.serviceId == id) {
                return failed;
            }
        }
        return null;
    }

    private static ListenerDTO listenerDto(RuntimeDTO dto, long id) {
        for (ServletContextDTO context : dto.servletContextDTOs) {
            for (ListenerDTO listener : context.listenerDTOs) {
                if (listener.serviceId == id) {
                    return listener;
                }
            }
        }
        return null;
    }
}

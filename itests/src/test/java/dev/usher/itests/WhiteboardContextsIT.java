package dev.usher.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.osgi.service.servlet.whiteboard.HttpWhiteboardConstants.*;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.servlet.Servlet;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.servlet.context.ServletContextHelper;
import org.osgi.service.servlet.runtime.HttpServiceRuntime;
import org.osgi.service.servlet.runtime.dto.DTOConstants;
import org.osgi.service.servlet.runtime.dto.FailedServletContextDTO;
import org.osgi.service.servlet.runtime.dto.FailedServletDTO;
import org.osgi.service.servlet.runtime.dto.RuntimeDTO;
import org.osgi.service.servlet.runtime.dto.ServletContextDTO;
import org.osgi.service.servlet.runtime.dto.ServletDTO;

import dev.usher.itests.ClientConnection.Response;

/**
 * Compendium 140.2 ({@code ServletContextHelper}), 140.3 (the common whiteboard properties:
 * {@code context.select}, {@code target}) and 140.4 (which context a request reaches): a
 * context's name, path and {@code context.init.*}; the longest context path; equal paths
 * searched by ranking; equal names shadowed; the {@code default} context replaced; invalid
 * names, paths and selects; a select matching no context; target filters; {@code handleSecurity}
 * (before the servlets and the filters) and {@code finishSecurity};
 * {@code url_prefix} in the context path; and the helper's resources.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class WhiteboardContextsIT extends WhiteboardTestSupport {

    @Configuration
    public Option[] configuration() {
        return UsherOptions.withServletWhiteboard();
    }

    // ---- 140.2: a context helper's name, path and init parameters

    @Test
    public void aContextHasATemporaryDirectoryOfItsOwnDeletedWithIt() throws Exception {
        ServiceRegistration<ServletContextHelper> helper = context("tmp", "/tmp");
        servlet(new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                java.io.File dir = (java.io.File) getServletContext().getAttribute(ServletContext.TEMPDIR);
                java.nio.file.Files.writeString(dir.toPath().resolve("left-behind.txt"), "x");
                resp.getWriter().print(dir.getAbsolutePath());
            }
        }, HTTP_WHITEBOARD_SERVLET_PATTERN, "/where", HTTP_WHITEBOARD_CONTEXT_SELECT, select("tmp"));
        java.nio.file.Path dir = java.nio.file.Path.of(await("/tmp/where", 200).text());
        assertTrue(java.nio.file.Files.isDirectory(dir));
        helper.unregister();
        assertFalse("deleted, with what was left in it, when the context goes", java.nio.file.Files.exists(dir));
    }

    @Test
    public void aContextsPathNameAndInitParametersReachTheServletsSelectingIt() throws Exception {
        context("ctx", "/ctx", CONTEXT_INIT + "greeting", "hello", CONTEXT_INIT + "other", "x");
        servlet(new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                ServletContext sc = getServletContext();
                resp.getWriter().print("cp=" + req.getContextPath() + " sp=" + req.getServletPath() + " pi="
                        + req.getPathInfo() + " uri=" + req.getRequestURI() + " scp=" + sc.getContextPath()
                        + " greeting=" + sc.getInitParameter("greeting") + " same=" + (req.getServletContext() == sc));
            }
        }, HTTP_WHITEBOARD_SERVLET_PATTERN, "/s/*", HTTP_WHITEBOARD_CONTEXT_SELECT, select("ctx"));
        servlet(paths("plain"), HTTP_WHITEBOARD_SERVLET_PATTERN, "/plain", HTTP_WHITEBOARD_CONTEXT_SELECT, select("ctx"));

        assertEquals("cp=/ctx sp=/s pi=/x/y uri=/ctx/s/x/y scp=/ctx greeting=hello same=true",
                await("/ctx/s/x/y", 200).text());
        assertEquals("plain cp=/ctx sp=/plain pi=null", get("/ctx/plain").text());
        assertEquals("the context's servlets are not in the default context", 404, get("/s/x").status());
        assertEquals(404, get("/plain").status());

        ServletContextDTO dto = contextDto(runtime.getRuntimeDTO(), "ctx");
        assertNotNull("the context's DTO", dto);
        assertEquals("/ctx", dto.contextPath);
        assertEquals("hello", dto.initParams.get("greeting"));
        assertEquals(2, dto.servletDTOs.length);
    }

    @Test
    public void theDefaultContextHasNoInitParametersOfAnotherContext() throws Exception {
        context("ctx", "/ctx", CONTEXT_INIT + "greeting", "hello");
        servlet(new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.getWriter().print("greeting=" + getServletContext().getInitParameter("greeting") + " cp="
                        + req.getContextPath());
            }
        }, HTTP_WHITEBOARD_SERVLET_PATTERN, "/in-default");
        assertEquals("greeting=null cp=", await("/in-default", 200).text());
    }

    // ---- 140.4: which context a request reaches

    @Test
    public void theLongestContextPathWins() throws Exception {
        context("shop", "/shop");
        servlet(paths("root"), HTTP_WHITEBOARD_SERVLET_PATTERN, "/*");
        servlet(paths("shop"), HTTP_WHITEBOARD_SERVLET_PATTERN, "/*", HTTP_WHITEBOARD_CONTEXT_SELECT, select("shop"));
        await("/shop/x", 200);
        assertEquals("shop cp=/shop sp= pi=/x", get("/shop/x").text());
        assertEquals("shop cp=/shop sp= pi=/a/b", get("/shop/a/b").text());
        assertEquals("on segment boundaries only", "root cp= sp= pi=/shopping", get("/shopping").text());
        assertEquals("root cp= sp= pi=/other/shop/x", get("/other/shop/x").text());
    }

    @Test
    public void aRootServletsExactPathUnderALongerContextPathGoesToThatContext() throws Exception {
        context("shop", "/shop");
        servlet(paths("root"), HTTP_WHITEBOARD_SERVLET_PATTERN, "/shop/special");
        servlet(paths("shop"), HTTP_WHITEBOARD_SERVLET_PATTERN, "/*", HTTP_WHITEBOARD_CONTEXT_SELECT, select("shop"));
        assertEquals("shop cp=/shop sp= pi=/special", await("/shop/special", 200).text());
    }

    @Test
    public void contextsWithOnePathAreSearchedByRankingUntilAServletMatches() throws Exception {
        // the lower ranked one first, so that registration order cannot explain the outcome
        context("low", "/dup", Constants.SERVICE_RANKING, 0);
        context("high", "/dup", Constants.SERVICE_RANKING, 10);
        servlet(paths("high-one"), HTTP_WHITEBOARD_SERVLET_PATTERN, "/one", HTTP_WHITEBOARD_CONTEXT_SELECT, select("high"));
        servlet(paths("low-one"), HTTP_WHITEBOARD_SERVLET_PATTERN, "/one", HTTP_WHITEBOARD_CONTEXT_SELECT, select("low"));
        servlet(paths("low-two"), HTTP_WHITEBOARD_SERVLET_PATTERN, "/two/*", HTTP_WHITEBOARD_CONTEXT_SELECT, select("low"));

        assertEquals("high-one cp=/dup sp=/one pi=null", await("/dup/one", 200).text());
        assertEquals("the higher ranked context has no match: the next is searched",
                "low-two cp=/dup sp=/two pi=/x", get("/dup/two/x").text());
        assertEquals("neither matches", 404, get("/dup/three").status());

        // the two are distinct contexts: each has its own DTO and its own servlet at /one
        RuntimeDTO dto = runtime.getRuntimeDTO();
        assertEquals(1, contextDto(dto, "high").servletDTOs.length);
        assertEquals(2, contextDto(dto, "low").servletDTOs.length);
    }

    @Test
    public void ofContextsWithOneNameTheLowerRankedIsShadowedUntilTheOtherGoes() throws Exception {
        ServiceRegistration<ServletContextHelper> low = context("same", "/low");
        servlet(paths("s"), HTTP_WHITEBOARD_SERVLET_PATTERN, "/s", HTTP_WHITEBOARD_CONTEXT_SELECT, select("same"));
        assertEquals("s cp=/low sp=/s pi=null", await("/low/s", 200).text());

        // a better ranked one comes: the servlet moves to it
        ServiceRegistration<ServletContextHelper> high = context("same", "/high", Constants.SERVICE_RANKING, 5);
        assertEquals("s cp=/high sp=/s pi=null", await("/high/s", 200).text());
        assertEquals(404, get("/low/s").status());
        RuntimeDTO dto = runtime.getRuntimeDTO();
        FailedServletContextDTO shadowed = failedContext(dto, id(low));
        assertNotNull("the lower ranked context's failure DTO", shadowed);
        assertEquals(DTOConstants.FAILURE_REASON_SHADOWED_BY_OTHER_SERVICE, shadowed.failureReason);
        assertEquals("same", shadowed.name);
        assertEquals("/low", shadowed.contextPath);
        assertEquals(id(high), contextDto(dto, "same").serviceId);

        // it goes: the servlet moves back
        high.unregister();
        assertEquals("s cp=/low sp=/s pi=null", await("/low/s", 200).text());
        assertEquals(404, get("/high/s").status());
        dto = runtime.getRuntimeDTO();
        assertNull("no longer shadowed", failedContext(dto, id(low)));
        assertEquals(id(low), contextDto(dto, "same").serviceId);
    }

    @Test
    public void aContextNamedDefaultReplacesTheWhiteboardsOwn() throws Exception {
        servlet(paths("d"), HTTP_WHITEBOARD_SERVLET_PATTERN, "/d");
        assertEquals("d cp= sp=/d pi=null", await("/d", 200).text());
        long builtIn = contextDto(runtime.getRuntimeDTO(), HTTP_WHITEBOARD_DEFAULT_CONTEXT_NAME).serviceId;

        ServiceRegistration<ServletContextHelper> alt = context(HTTP_WHITEBOARD_DEFAULT_CONTEXT_NAME, "/alt",
                Constants.SERVICE_RANKING, 1);
        assertEquals("d cp=/alt sp=/d pi=null", await("/alt/d", 200).text());
        assertEquals("the servlet moved", 404, get("/d").status());
        RuntimeDTO dto = runtime.getRuntimeDTO();
        assertEquals(id(alt), contextDto(dto, HTTP_WHITEBOARD_DEFAULT_CONTEXT_NAME).serviceId);
        FailedServletContextDTO shadowed = failedContext(dto, builtIn);
        assertNotNull("the whiteboard's default context is shadowed", shadowed);
        assertEquals(DTOConstants.FAILURE_REASON_SHADOWED_BY_OTHER_SERVICE, shadowed.failureReason);

        alt.unregister();
        assertEquals("back in the whiteboard's default context", "d cp= sp=/d pi=null", await("/d", 200).text());
        assertEquals(404, get("/alt/d").status());
    }

    @Test
    public void aContextWithAnInvalidNameOrPathFailsValidation() throws Exception {
        ServiceRegistration<ServletContextHelper> trailing = context("trailing", "/trailing/");
        ServiceRegistration<ServletContextHelper> relative = context("relative", "relative");
        ServiceRegistration<ServletContextHelper> badName = context("bad name", "/bad");
        ServiceRegistration<Servlet> servlet = servlet(paths("s"), HTTP_WHITEBOARD_SERVLET_PATTERN, "/s",
                HTTP_WHITEBOARD_CONTEXT_SELECT, select("trailing"));
        RuntimeDTO dto = runtime.getRuntimeDTO();
        for (ServiceRegistration<ServletContextHelper> invalid : List.of(trailing, relative, badName)) {
            FailedServletContextDTO failed = failedContext(dto, id(invalid));
            assertNotNull("a failure DTO for " + invalid.getReference(), failed);
            assertEquals(DTOConstants.FAILURE_REASON_VALIDATION_FAILED, failed.failureReason);
        }
        assertNull(contextDto(dto, "trailing"));
        assertEquals(DTOConstants.FAILURE_REASON_NO_SERVLET_CONTEXT_MATCHING, failedServlet(dto, id(servlet)).failureReason);
        assertEquals(404, get("/trailing/s").status());
    }

    @Test
    public void aSelectThatIsNoFilterFailsValidation() throws Exception {
        ServiceRegistration<Servlet> servlet = servlet(paths("s"), HTTP_WHITEBOARD_SERVLET_PATTERN, "/bad-select",
                HTTP_WHITEBOARD_CONTEXT_SELECT, "(unbalanced");
        FailedServletDTO failed = failedServlet(runtime.getRuntimeDTO(), id(servlet));
        assertNotNull(failed);
        assertEquals(DTOConstants.FAILURE_REASON_VALIDATION_FAILED, failed.failureReason);
        assertEquals(404, get("/bad-select").status());
    }

    // ---- 140.3: context.select matching no context

    @Test
    public void aServletSelectingNoContextFailsUntilOneAppears() throws Exception {
        ServiceRegistration<Servlet> servlet = servlet(paths("late"), HTTP_WHITEBOARD_SERVLET_PATTERN, "/s",
                HTTP_WHITEBOARD_CONTEXT_SELECT, select("late"));
        FailedServletDTO failed = failedServlet(runtime.getRuntimeDTO(), id(servlet));
        assertNotNull("a failure DTO while no context matches", failed);
        assertEquals(DTOConstants.FAILURE_REASON_NO_SERVLET_CONTEXT_MATCHING, failed.failureReason);

        ServiceRegistration<ServletContextHelper> late = context("late", "/late");
        assertEquals("late cp=/late sp=/s pi=null", await("/late/s", 200).text());
        RuntimeDTO dto = runtime.getRuntimeDTO();
        assertNull(failedServlet(dto, id(servlet)));
        assertEquals(id(servlet), contextDto(dto, "late").servletDTOs[0].serviceId);

        late.unregister();
        assertEquals(404, get("/late/s").status());
        failed = failedServlet(runtime.getRuntimeDTO(), id(servlet));
        assertNotNull("failed again once its context is gone", failed);
        assertEquals(DTOConstants.FAILURE_REASON_NO_SERVLET_CONTEXT_MATCHING, failed.failureReason);
    }

    @Test
    public void aContextRegisteredFirstIsSelectedAlike() throws Exception {
        context("early", "/early");
        ServiceRegistration<Servlet> servlet = servlet(paths("early"), HTTP_WHITEBOARD_SERVLET_PATTERN, "/s",
                HTTP_WHITEBOARD_CONTEXT_SELECT, select("early"));
        assertEquals("early cp=/early sp=/s pi=null", await("/early/s", 200).text());
        assertNull(failedServlet(runtime.getRuntimeDTO(), id(servlet)));
    }

    @Test
    public void aSelectFilterCanJoinSeveralContexts() throws Exception {
        context("one", "/one");
        context("two", "/two");
        servlet(paths("both"), HTTP_WHITEBOARD_SERVLET_PATTERN, "/s", HTTP_WHITEBOARD_CONTEXT_SELECT,
                "(|(" + HTTP_WHITEBOARD_CONTEXT_NAME + "=one)(" + HTTP_WHITEBOARD_CONTEXT_NAME + "=two))");
        assertEquals("both cp=/one sp=/s pi=null", await("/one/s", 200).text());
        assertEquals("both cp=/two sp=/s pi=null", get("/two/s").text());
        assertEquals(404, get("/s").status());
    }

    // ---- 140.3: osgi.http.whiteboard.target

    @Test
    public void aTargetFilterSelectsTheRuntime() throws Exception {
        ServiceReference<HttpServiceRuntime> reference = context.getServiceReference(HttpServiceRuntime.class);
        long runtimeId = (Long) reference.getProperty(Constants.SERVICE_ID);
        servlet(text("mine"), HTTP_WHITEBOARD_SERVLET_PATTERN, "/t/mine", HTTP_WHITEBOARD_TARGET,
                "(" + Constants.SERVICE_ID + "=" + runtimeId + ")");
        ServiceRegistration<Servlet> other = servlet(text("other"), HTTP_WHITEBOARD_SERVLET_PATTERN, "/t/other",
                HTTP_WHITEBOARD_TARGET, "(" + Constants.SERVICE_ID + "=" + (runtimeId + 1_000_000) + ")");
        ServiceRegistration<ServletContextHelper> elsewhere = context("elsewhere", "/elsewhere", HTTP_WHITEBOARD_TARGET,
                "(usher.no.such.property=*)");
        ServiceRegistration<Servlet> orphan = servlet(text("orphan"), HTTP_WHITEBOARD_SERVLET_PATTERN, "/o",
                HTTP_WHITEBOARD_CONTEXT_SELECT, select("elsewhere"));

        assertEquals("mine", await("/t/mine", 200).text());
        assertEquals("another runtime's servlet is not served", 404, get("/t/other").status());
        assertEquals(404, get("/elsewhere/o").status());

        RuntimeDTO dto = runtime.getRuntimeDTO();
        assertFalse("another runtime's servlet is in no DTO", mentions(dto, id(other)));
        assertFalse("another runtime's context is in no DTO", mentions(dto, id(elsewhere)));
        FailedServletDTO failed = failedServlet(dto, id(orphan));
        assertNotNull("a servlet selecting another runtime's context", failed);
        assertEquals(DTOConstants.FAILURE_REASON_NO_SERVLET_CONTEXT_MATCHING, failed.failureReason);
    }

    // ---- 140.2: handleSecurity and finishSecurity

    @Test
    public void handleSecurityGuardsTheContextsServlets() throws Exception {
        List<String> finished = new CopyOnWriteArrayList<>();
        AtomicInteger served = new AtomicInteger();
        register(ServletContextHelper.class, new ServletContextHelper() {
            @Override
            public boolean handleSecurity(HttpServletRequest request, HttpServletResponse response) throws IOException {
                switch (request.getRequestURI()) {
                    case "/sec/deny":
                        return false;
                    case "/sec/challenge":
                        response.setStatus(401);
                        response.setHeader("WWW-Authenticate", "Basic realm=\"test\"");
                        return false;
                    case "/sec/error":
                        response.sendError(429);
                        return false;
                    case "/sec/user":
                        request.setAttribute(REMOTE_USER, "alice");
                        request.setAttribute(AUTHENTICATION_TYPE, HttpServletRequest.BASIC_AUTH);
                        return true;
                    default:
                        return true;
                }
            }

            @Override
            public void finishSecurity(HttpServletRequest request, HttpServletResponse response) {
                finished.add(request.getRequestURI());
            }
        }, props(HTTP_WHITEBOARD_CONTEXT_NAME, "sec", HTTP_WHITEBOARD_CONTEXT_PATH, "/sec"));
        servlet(new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                served.incrementAndGet();
                if (req.getPathInfo().equals("/throw")) {
                    throw new IllegalStateException("the servlet failed");
                }
                resp.getWriter().print("user=" + req.getRemoteUser() + " type=" + req.getAuthType() + " principal="
                        + (req.getUserPrincipal() == null ? null : req.getUserPrincipal().getName()));
            }
        }, HTTP_WHITEBOARD_SERVLET_PATTERN, "/*", HTTP_WHITEBOARD_CONTEXT_SELECT, select("sec"));

        assertEquals("user=null type=null principal=null", await("/sec/open", 200).text());
        Await.condition("finishSecurity after an allowed request", () -> finished.contains("/sec/open"));

        Response user = get("/sec/user");
        assertEquals(200, user.status());
        assertEquals("user=alice type=BASIC principal=alice", user.text());
        Await.condition("finishSecurity after the authenticated request", () -> finished.contains("/sec/user"));

        assertEquals(500, get("/sec/throw").status());
        Await.condition("finishSecurity after the servlet threw", () -> finished.contains("/sec/throw"));

        int before = served.get();
        Response denied = get("/sec/deny");
        assertEquals("false with nothing set: 403", 403, denied.status());
        Response challenged = get("/sec/challenge");
        assertEquals("false after setting a status: that status", 401, challenged.status());
        assertEquals("Basic realm=\"test\"", challenged.header("WWW-Authenticate"));
        assertEquals("false after sendError: that error", 429, get("/sec/error").status());
        assertEquals("a denied request never reaches the servlet", before, served.get());
        assertFalse("finishSecurity only after handleSecurity returned true", finished.contains("/sec/deny")
                || finished.contains("/sec/challenge") || finished.contains("/sec/error"));
    }

    @Test
    public void handleSecurityAlsoGuardsTheContextsFilters() throws Exception {
        AtomicInteger filtered = new AtomicInteger();
        register(ServletContextHelper.class, new ServletContextHelper() {
            @Override
            public boolean handleSecurity(HttpServletRequest request, HttpServletResponse response) {
                return !request.getRequestURI().startsWith("/guarded/deny");
            }
        }, props(HTTP_WHITEBOARD_CONTEXT_NAME, "guarded", HTTP_WHITEBOARD_CONTEXT_PATH, "/guarded"));
        filter((req, resp, chain) -> {
            filtered.incrementAndGet();
            chain.doFilter(req, resp);
        }, HTTP_WHITEBOARD_FILTER_PATTERN, "/*", HTTP_WHITEBOARD_CONTEXT_SELECT, select("guarded"));
        servlet(text("served"), HTTP_WHITEBOARD_SERVLET_PATTERN, "/ok", HTTP_WHITEBOARD_CONTEXT_SELECT, select("guarded"));
        assertEquals("served", await("/guarded/ok", 200).text());
        int before = filtered.get();
        assertEquals(403, get("/guarded/deny").status());
        assertEquals(403, get("/guarded/deny/nothing/here").status());
        assertEquals("no filter runs for a request handleSecurity refused", before, filtered.get());
    }

    // ---- url_prefix: the server's prefix is part of the context path

    @Test
    public void theServersUrlPrefixIsPartOfTheContextPath() throws Exception {
        context("shop", "/shop");
        servlet(paths("root"), HTTP_WHITEBOARD_SERVLET_PATTERN, "/r/*");
        servlet(paths("shop"), HTTP_WHITEBOARD_SERVLET_PATTERN, "/s/*", HTTP_WHITEBOARD_CONTEXT_SELECT, select("shop"));
        servlet(new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.getWriter().print("uri=" + req.getRequestURI() + " url=" + req.getRequestURL());
            }
        }, HTTP_WHITEBOARD_SERVLET_PATTERN, "/uri/*", HTTP_WHITEBOARD_CONTEXT_SELECT, select("shop"));
        await("/r/x", 200);

        configureDefaultServer("listen", "127.0.0.1:" + port, "url_prefix", "/pre");
        assertEquals("root cp=/pre sp=/r pi=/x", await("/pre/r/x", 200).text());
        assertEquals("shop cp=/pre/shop sp=/s pi=/y", get("/pre/shop/s/y").text());
        assertEquals("uri=/pre/shop/uri/z url=http://127.0.0.1:" + port + "/pre/shop/uri/z", get("/pre/shop/uri/z").text());
        assertEquals("outside the prefix", 404, get("/r/x").status());
    }

    // ---- 140.2: the helper's resources behind ServletContext

    @Test
    public void theHelpersGetResourceAnswersServletContextGetResource() throws Exception {
        List<String> asked = new CopyOnWriteArrayList<>();
        register(ServletContextHelper.class, new ServletContextHelper() {
            @Override
            public URL getResource(String name) {
                asked.add(name);
                try {
                    return name.startsWith("/known/") ? URI.create("file:/usher-test" + name).toURL() : null;
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public String getMimeType(String name) {
                return name.endsWith(".usher") ? "application/x-usher" : null;
            }
        }, props(HTTP_WHITEBOARD_CONTEXT_NAME, "res", HTTP_WHITEBOARD_CONTEXT_PATH, "/res"));
        servlet(new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                ServletContext sc = getServletContext();
                resp.getWriter().print(sc.getResource("/known/a.txt") + " " + sc.getResource("/unknown") + " "
                        + sc.getMimeType("x.usher"));
            }
        }, HTTP_WHITEBOARD_SERVLET_PATTERN, "/r", HTTP_WHITEBOARD_CONTEXT_SELECT, select("res"));
        assertEquals("file:/usher-test/known/a.txt null application/x-usher", await("/res/r", 200).text());
        assertTrue("asked the helper: " + asked, asked.containsAll(List.of("/known/a.txt", "/unknown")));
    }

    // ---- helpers

    private static final String CONTEXT_INIT = HTTP_WHITEBOARD_CONTEXT_INIT_PARAM_PREFIX;

    /** Registers a plain helper named {@code name} at {@code path}, with further properties. */
    private ServiceRegistration<ServletContextHelper> context(String name, String path, Object... more) {
        Object[] all = new Object[4 + more.length];
        all[0] = HTTP_WHITEBOARD_CONTEXT_NAME;
        all[1] = name;
        all[2] = HTTP_WHITEBOARD_CONTEXT_PATH;
        all[3] = path;
        System.arraycopy(more, 0, all, 4, more.length);
        return register(ServletContextHelper.class, new ServletContextHelper() {
        }, props(all));
    }

    private static String select(String contextName) {
        return "(" + HTTP_WHITEBOARD_CONTEXT_NAME + "=" + contextName + ")";
    }

    private static long id(ServiceRegistration<?> registration) {
        return (Long) registration.getReference().getProperty(Constants.SERVICE_ID);
    }

    private static ServletContextDTO contextDto(RuntimeDTO dto, String name) {
        for (ServletContextDTO context : dto.servletContextDTOs) {
            if (context.name.equals(name)) {
                return context;
            }
        }
        return null;
    }

    private static FailedServletContextDTO failedContext(RuntimeDTO dto, long id) {
        for (FailedServletContextDTO failed : dto.failedServletContextDTOs) {
            if (failed.serviceId == id) {
                return failed;
            }
        }
        return null;
    }

    private static FailedServletDTO failedServlet(RuntimeDTO dto, long id) {
        for (FailedServletDTO failed : dto.failedServletDTOs) {
            if (failed.serviceId == id) {
                return failed;
            }
        }
        return null;
    }

    /** Whether any context, servlet or failure DTO is about the service {@code id}. */
    private static boolean mentions(RuntimeDTO dto, long id) {
        for (ServletContextDTO context : dto.servletContextDTOs) {
            if (context.serviceId == id) {
                return true;
            }
            for (ServletDTO servlet : context.servletDTOs) {
                if (servlet.serviceId == id) {
                    return true;
                }
            }
        }
        return failedContext(dto, id) != null || failedServlet(dto, id) != null;
    }
}

package dev.usher.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.osgi.service.servlet.whiteboard.HttpWhiteboardConstants.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
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
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.servlet.runtime.dto.DTOConstants;
import org.osgi.service.servlet.runtime.dto.FailedServletDTO;
import org.osgi.service.servlet.runtime.dto.RuntimeDTO;

import dev.usher.itests.ClientConnection.Response;

/**
 * Compendium 140.4 (servlets) and the Servlet specification's paths: patterns of every kind
 * with the servlet path and path info they give, {@code servlet.init.*}, ranking between equal
 * patterns (the loser is shadowed), a failing {@code init}, error pages (140.4.1), request
 * dispatchers and dynamics.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class WhiteboardServletsIT extends WhiteboardTestSupport {

    @Configuration
    public Option[] configuration() {
        return UsherOptions.withServletWhiteboard();
    }

    @Test
    public void everyPatternKindGivesTheSpecificationsPaths() throws Exception {
        servlet(paths("exact"), HTTP_WHITEBOARD_SERVLET_PATTERN, "/a/exact");
        servlet(paths("prefix"), HTTP_WHITEBOARD_SERVLET_PATTERN, "/a/*");
        servlet(paths("ext"), HTTP_WHITEBOARD_SERVLET_PATTERN, "*.do");
        servlet(paths("root"), HTTP_WHITEBOARD_SERVLET_PATTERN, "");
        servlet(paths("default"), HTTP_WHITEBOARD_SERVLET_PATTERN, "/");
        await("/a/exact", 200);
        assertEquals("exact cp= sp=/a/exact pi=null", get("/a/exact").text());
        assertEquals("prefix cp= sp=/a pi=/b/c", get("/a/b/c").text());
        assertEquals("prefix cp= sp=/a pi=null", get("/a").text());
        assertEquals("a prefix before an extension", "prefix cp= sp=/a pi=/x.do", get("/a/x.do").text());
        assertEquals("ext cp= sp=/b/x.do pi=null", get("/b/x.do").text());
        assertEquals("root cp= sp= pi=/", get("/").text());
        assertEquals("default cp= sp=/other pi=null", get("/other?q=1").text());
        assertEquals("decoded", "default cp= sp=/sp ace pi=null", get("/sp%20ace").text());
    }

    @Test
    public void servletsAndNativeApplicationsShareThePathSpaceByLongestPrefix() throws Exception {
        registerApplication(answering("native"), "/", null);
        registerApplication(answering("deeper native"), "/s/deep", null);
        servlet(paths("servlet"), HTTP_WHITEBOARD_SERVLET_PATTERN, "/s/*");
        servlet(paths("exact"), HTTP_WHITEBOARD_SERVLET_PATTERN, "/x/y");
        await("/s/a", 200);
        assertEquals("servlet cp= sp=/s pi=/a", get("/s/a").text());
        assertEquals("servlet cp= sp=/s pi=null", get("/s").text());
        assertEquals("exact cp= sp=/x/y pi=null", get("/x/y").text());
        assertTrue(get("/other").text().startsWith("native "));
        assertTrue(get("/x").text().startsWith("native "));
        assertTrue("a longer native mount wins inside a servlet's prefix", get("/s/deep/1").text().startsWith("deeper native"));
    }

    @Test
    public void theBestRankedOfEqualPatternsServesAndTheOtherIsShadowed() throws Exception {
        ServiceRegistration<?> low = servlet(text("low"), HTTP_WHITEBOARD_SERVLET_PATTERN, "/same");
        await("/same", 200);
        servlet(text("high"), HTTP_WHITEBOARD_SERVLET_PATTERN, "/same", Constants.SERVICE_RANKING, 5);
        Await.condition("the higher ranked servlet", () -> get("/same").text().equals("high"));
        long lowId = (Long) low.getReference().getProperty(Constants.SERVICE_ID);
        FailedServletDTO shadowed = failedServlet(runtime.getRuntimeDTO(), lowId);
        assertEquals(DTOConstants.FAILURE_REASON_SHADOWED_BY_OTHER_SERVICE, shadowed.failureReason);
    }

    @Test
    public void initParametersNameAndAFailingInit() throws Exception {
        servlet(new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                ServletConfig config = getServletConfig();
                resp.getWriter().print(config.getServletName() + " " + config.getInitParameter("greeting"));
            }
        }, HTTP_WHITEBOARD_SERVLET_PATTERN, "/configured", HTTP_WHITEBOARD_SERVLET_NAME, "named",
                HTTP_WHITEBOARD_SERVLET_INIT_PARAM_PREFIX + "greeting", "hi");
        assertEquals("named hi", await("/configured", 200).text());

        ServiceRegistration<?> failing = servlet(new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            public void init() throws ServletException {
                throw new ServletException("no");
            }
        }, HTTP_WHITEBOARD_SERVLET_PATTERN, "/failing");
        long id = (Long) failing.getReference().getProperty(Constants.SERVICE_ID);
        FailedServletDTO failed = Await.until("the failed servlet's DTO", () -> failedServlet(runtime.getRuntimeDTO(), id));
        assertEquals(DTOConstants.FAILURE_REASON_EXCEPTION_ON_INIT, failed.failureReason);
        assertEquals(404, get("/failing").status());
    }

    @Test
    public void anInvalidPatternFailsValidation() throws Exception {
        ServiceRegistration<?> bad = servlet(text("bad"), HTTP_WHITEBOARD_SERVLET_PATTERN, "no/slash");
        long id = (Long) bad.getReference().getProperty(Constants.SERVICE_ID);
        FailedServletDTO failed = Await.until("the invalid servlet's DTO", () -> failedServlet(runtime.getRuntimeDTO(), id));
        assertEquals(DTOConstants.FAILURE_REASON_VALIDATION_FAILED, failed.failureReason);
        assertArrayEquals(new String[] {"no/slash"}, failed.patterns);
    }

    @Test
    public void errorPagesByExceptionClassStatusAndClass() throws Exception {
        servlet(new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException, ServletException {
                switch (req.getPathInfo()) {
                    case "/state" -> throw new IllegalStateException("secret detail");
                    case "/io" -> throw new IOException("disk");
                    case "/teapot" -> resp.sendError(418, "short and stout");
                    case "/gone" -> resp.sendError(410);
                    default -> resp.getWriter().print("fine");
                }
            }
        }, HTTP_WHITEBOARD_SERVLET_PATTERN, "/fail/*");
        servlet(errorReport("runtime"), HTTP_WHITEBOARD_SERVLET_ERROR_PAGE, RuntimeException.class.getName());
        servlet(errorReport("4xx"), HTTP_WHITEBOARD_SERVLET_ERROR_PAGE, "4xx");
        await("/fail/ok", 200);

        Response state = get("/fail/state");
        assertEquals(500, state.status());
        assertEquals("runtime 500 java.lang.IllegalStateException /fail/state", state.text());

        Response teapot = get("/fail/teapot");
        assertEquals(418, teapot.status());
        assertEquals("4xx 418 null /fail/teapot short and stout", teapot.text());

        Response missing = get("/nothing/here");
        assertEquals(404, missing.status());
        assertTrue(missing.text(), missing.text().startsWith("4xx 404 null /nothing/here"));

        // no page for IOException or 5xx: the plain page, without the exception's message
        Response io = get("/fail/io");
        assertEquals(500, io.status());
        assertTrue(io.text(), io.text().contains("500 Internal Server Error"));
        assertTrue(io.text(), !io.text().contains("disk"));
    }

    private static HttpServlet errorReport(String name) {
        return new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                Object type = req.getAttribute(RequestDispatcher.ERROR_EXCEPTION_TYPE);
                String message = (String) req.getAttribute(RequestDispatcher.ERROR_MESSAGE);
                resp.getWriter().print(name + " " + req.getAttribute(RequestDispatcher.ERROR_STATUS_CODE) + " "
                        + (type == null ? null : ((Class<?>) type).getName()) + " "
                        + req.getAttribute(RequestDispatcher.ERROR_REQUEST_URI)
                        + (type == null ? " " + message : ""));
            }
        };
    }

    @Test
    public void forwardAndIncludeChangeWhatTheSpecificationSays() throws Exception {
        servlet(new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException, ServletException {
                resp.setContentType("text/plain");
                resp.getWriter().print("lost");
                req.getRequestDispatcher("/target/x?extra=1").forward(req, resp);
                resp.getWriter().print("dropped after the forward");
            }
        }, HTTP_WHITEBOARD_SERVLET_PATTERN, "/forward");
        servlet(new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException, ServletException {
                resp.setContentType("text/plain");
                resp.getWriter().print("[");
                req.getRequestDispatcher("/target/y").include(req, resp);
                resp.getWriter().print("]");
            }
        }, HTTP_WHITEBOARD_SERVLET_PATTERN, "/include");
        servlet(new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.setHeader("X-Target", "set");
                resp.getWriter().print(req.getDispatcherType() + " sp=" + req.getServletPath() + " pi=" + req.getPathInfo()
                        + " uri=" + req.getRequestURI() + " extra=" + req.getParameter("extra") + " q=" + req.getParameter("q")
                        + " fwd=" + req.getAttribute(RequestDispatcher.FORWARD_REQUEST_URI)
                        + " inc=" + req.getAttribute(RequestDispatcher.INCLUDE_PATH_INFO));
            }
        }, HTTP_WHITEBOARD_SERVLET_PATTERN, "/target/*");
        await("/target/z", 200);

        Response forwarded = get("/forward?q=2");
        assertEquals(200, forwarded.status());
        assertEquals("set", forwarded.header("x-target"));
        assertEquals("FORWARD sp=/target pi=/x uri=/target/x extra=1 q=2 fwd=/forward inc=null", forwarded.text());

        Response included = get("/include?q=3");
        assertEquals("the included servlet cannot set headers", null, included.header("x-target"));
        assertEquals("[INCLUDE sp=/include pi=null uri=/include extra=null q=3 fwd=null inc=/y]", included.text());
    }

    @Test
    public void unregisteringIsImmediateAndOrderDoesNotMatter() throws Exception {
        ServiceRegistration<?> first = servlet(text("first"), HTTP_WHITEBOARD_SERVLET_PATTERN, "/dyn");
        assertEquals("first", await("/dyn", 200).text());
        first.unregister();
        assertEquals("gone as soon as unregister returns", 404, get("/dyn").status());
        AtomicInteger destroyed = new AtomicInteger();
        ServiceRegistration<?> second = servlet(new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.getWriter().print("second");
            }

            @Override
            public void destroy() {
                destroyed.incrementAndGet();
            }
        }, HTTP_WHITEBOARD_SERVLET_PATTERN, "/dyn");
        assertEquals("served as soon as register returns", "second", get("/dyn").text());
        second.unregister();
        assertEquals(1, destroyed.get());
    }

    @Test
    public void formParametersAndTheBodyAsTheClientSentThem() throws Exception {
        servlet(new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.setContentType("text/plain;charset=UTF-8");
                resp.getWriter().print(req.getParameter("name") + "|" + String.join(",", req.getParameterValues("n")));
            }
        }, HTTP_WHITEBOARD_SERVLET_PATTERN, "/form");
        await("/form", 405);
        Response posted = request("POST", "/form?n=0", Map.of("Content-Type", "application/x-www-form-urlencoded"),
                "name=J%C3%BCrgen+S&n=1&n=2".getBytes(StandardCharsets.US_ASCII));
        assertEquals(200, posted.status());
        assertEquals("Jürgen S|0,1,2", new String(posted.body(), StandardCharsets.UTF_8));

        Response malformed = request("POST", "/form", Map.of("Content-Type", "application/x-www-form-urlencoded"),
                "name=%G1".getBytes(StandardCharsets.US_ASCII));
        assertEquals(400, malformed.status());
        assertNull(malformed.header("x-unused"));
    }

    private static FailedServletDTO failedServlet(RuntimeDTO dto, long id) {
        for (FailedServletDTO failed : dto.failedServletDTOs) {
            if (failed.serviceId == id) {
                return failed;
            }
        }
        return null;
    }
}

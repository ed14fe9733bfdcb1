package dev.usher.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.osgi.service.servlet.whiteboard.HttpWhiteboardConstants.*;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
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
import org.osgi.service.servlet.context.ServletContextHelper;
import org.osgi.service.servlet.runtime.dto.DTOConstants;
import org.osgi.service.servlet.runtime.dto.FailedFilterDTO;
import org.osgi.service.servlet.runtime.dto.FilterDTO;
import org.osgi.service.servlet.runtime.dto.RuntimeDTO;
import org.osgi.service.servlet.runtime.dto.ServletContextDTO;
import org.osgi.service.servlet.whiteboard.Preprocessor;

import dev.usher.itests.ClientConnection.Response;

/**
 * Compendium 140.5 (servlet filters) and 140.5.1 (preprocessors): the order filters run in,
 * which requests they see ({@code filter.pattern}, {@code filter.regex}, {@code filter.servlet},
 * {@code filter.dispatcher}), a filter that answers itself, {@code filter.init.*}, failing and
 * invalid filters, filters for a request no servlet serves; preprocessors before the context's
 * security and filters, for every request, in ranking order.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class WhiteboardFiltersIT extends WhiteboardTestSupport {

    /** The request attribute the tagging filters append their tags to. */
    private static final String TRACE = "itest.trace";

    @Configuration
    public Option[] configuration() {
        return UsherOptions.withServletWhiteboard();
    }

    // ---- 140.5: order

    @Test
    public void filtersRunByRankingThenByServiceId() throws Exception {
        servlet(trace(), HTTP_WHITEBOARD_SERVLET_PATTERN, "/order");
        filter(tag("a"), HTTP_WHITEBOARD_FILTER_PATTERN, "/order");
        filter(tag("b"), HTTP_WHITEBOARD_FILTER_PATTERN, "/order", Constants.SERVICE_RANKING, 0);
        filter(tag("top"), HTTP_WHITEBOARD_FILTER_PATTERN, "/order", Constants.SERVICE_RANKING, 10);
        filter(tag("last"), HTTP_WHITEBOARD_FILTER_PATTERN, "/order", Constants.SERVICE_RANKING, -5);
        filter(tag("c"), HTTP_WHITEBOARD_FILTER_PATTERN, "/order");
        assertEquals("REQUEST top a b c last", await("/order", 200).text());

        ServletContextDTO dto = defaultContext(runtime.getRuntimeDTO());
        assertEquals("the DTOs in the order the filters run", 5, dto.filterDTOs.length);
    }

    // ---- 140.5: which requests a filter sees

    @Test
    public void filterPatternsAreServletPatterns() throws Exception {
        servlet(trace(), HTTP_WHITEBOARD_SERVLET_PATTERN, "/f/*");
        filter(tag("exact"), HTTP_WHITEBOARD_FILTER_PATTERN, "/f/exact");
        filter(tag("prefix"), HTTP_WHITEBOARD_FILTER_PATTERN, "/f/p/*");
        filter(tag("ext"), HTTP_WHITEBOARD_FILTER_PATTERN, "*.ext");
        filter(tag("many"), HTTP_WHITEBOARD_FILTER_PATTERN, new String[] {"/f/m1", "/f/m2"});
        await("/f/other", 200);
        assertEquals("REQUEST exact", get("/f/exact").text());
        assertEquals("an exact pattern only", "REQUEST", get("/f/exact/more").text());
        assertEquals("REQUEST prefix", get("/f/p/q/r").text());
        assertEquals("a prefix pattern matches its own path", "REQUEST prefix", get("/f/p").text());
        assertEquals("on segment boundaries", "REQUEST", get("/f/pq").text());
        assertEquals("REQUEST ext", get("/f/a.ext").text());
        assertEquals("both, in service order", "REQUEST prefix ext", get("/f/p/a.ext").text());
        assertEquals("REQUEST many", get("/f/m1").text());
        assertEquals("REQUEST many", get("/f/m2").text());
        assertEquals("REQUEST", get("/f/other").text());
    }

    @Test
    public void filterRegexMatchesTheWholePathWithinTheContext() throws Exception {
        context("rx", "/rx");
        servlet(trace(), HTTP_WHITEBOARD_SERVLET_PATTERN, "/*", HTTP_WHITEBOARD_CONTEXT_SELECT, select("rx"));
        filter(tag("digits"), HTTP_WHITEBOARD_FILTER_REGEX, "/g/[0-9]+", HTTP_WHITEBOARD_CONTEXT_SELECT, select("rx"));
        filter(tag("either"), HTTP_WHITEBOARD_FILTER_REGEX, new String[] {"/never", ".*\\.txt"},
                HTTP_WHITEBOARD_CONTEXT_SELECT, select("rx"));
        filter(tag("default-context"), HTTP_WHITEBOARD_FILTER_REGEX, ".*");
        await("/rx/g/1", 200);
        assertEquals("another context's filters do not run", "REQUEST digits", get("/rx/g/123").text());
        assertEquals("REQUEST", get("/rx/g/abc").text());
        assertEquals("the whole path must match", "REQUEST", get("/rx/g/12x").text());
        assertEquals("REQUEST either", get("/rx/docs/a.txt").text());
    }

    @Test
    public void filterServletNamesTheServletsItSees() throws Exception {
        servlet(trace(), HTTP_WHITEBOARD_SERVLET_PATTERN, "/n1", HTTP_WHITEBOARD_SERVLET_NAME, "named");
        servlet(trace(), HTTP_WHITEBOARD_SERVLET_PATTERN, "/n2", HTTP_WHITEBOARD_SERVLET_NAME, "other");
        filter(tag("byname"), HTTP_WHITEBOARD_FILTER_SERVLET, "named");
        filter(tag("both"), HTTP_WHITEBOARD_FILTER_SERVLET, new String[] {"named", "other"});
        assertEquals("REQUEST byname both", await("/n1", 200).text());
        assertEquals("REQUEST both", get("/n2").text());
    }

    // ---- 140.5: filter.dispatcher

    @Test
    public void requestForwardAndIncludeFiltersRunOnlyWhereListed() throws Exception {
        servlet(trace(), HTTP_WHITEBOARD_SERVLET_PATTERN, "/dst");
        servlet(new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException, ServletException {
                if (req.getPathInfo().equals("/fwd")) {
                    req.getRequestDispatcher("/dst").forward(req, resp);
                } else {
                    resp.getWriter().print("[");
                    req.getRequestDispatcher("/dst").include(req, resp);
                    resp.getWriter().print("]");
                }
            }
        }, HTTP_WHITEBOARD_SERVLET_PATTERN, "/src/*");
        filter(tag("default"), HTTP_WHITEBOARD_FILTER_PATTERN, "/dst");
        filter(tag("fwd"), HTTP_WHITEBOARD_FILTER_PATTERN, "/dst", HTTP_WHITEBOARD_FILTER_DISPATCHER, DISPATCHER_FORWARD);
        filter(tag("inc"), HTTP_WHITEBOARD_FILTER_PATTERN, "/dst", HTTP_WHITEBOARD_FILTER_DISPATCHER, DISPATCHER_INCLUDE);
        ServiceRegistration<Filter> both = filter(tag("req+fwd"), HTTP_WHITEBOARD_FILTER_PATTERN, "/dst",
                HTTP_WHITEBOARD_FILTER_DISPATCHER, new String[] {DISPATCHER_REQUEST, DISPATCHER_FORWARD});

        assertEquals("REQUEST default req+fwd", await("/dst", 200).text());
        assertEquals("FORWARD fwd req+fwd", get("/src/fwd").text());
        assertEquals("[INCLUDE inc]", get("/src/inc").text());

        FilterDTO dto = filterDto(defaultContext(runtime.getRuntimeDTO()), id(both));
        assertEquals(java.util.Set.of(DISPATCHER_REQUEST, DISPATCHER_FORWARD), java.util.Set.of(dto.dispatcher));
    }

    @Test
    public void errorFiltersRunOnlyOnTheErrorDispatch() throws Exception {
        servlet(new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.sendError(500);
            }
        }, HTTP_WHITEBOARD_SERVLET_PATTERN, "/boom");
        servlet(trace(), HTTP_WHITEBOARD_SERVLET_ERROR_PAGE, "500", HTTP_WHITEBOARD_SERVLET_NAME, "page");
        filter(tag("req"), HTTP_WHITEBOARD_FILTER_PATTERN, "/boom");
        filter(tag("err"), HTTP_WHITEBOARD_FILTER_PATTERN, "/boom", HTTP_WHITEBOARD_FILTER_DISPATCHER, DISPATCHER_ERROR);
        filter(tag("page"), HTTP_WHITEBOARD_FILTER_SERVLET, "page", HTTP_WHITEBOARD_FILTER_DISPATCHER, DISPATCHER_ERROR);
        Response response = await("/boom", 500);
        assertEquals("ERROR req err page", response.text());
    }

    @Test
    public void asyncFiltersRunOnTheAsyncDispatch() throws Exception {
        servlet(new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
                AsyncContext async = req.startAsync();
                async.dispatch("/async/end");
            }
        }, HTTP_WHITEBOARD_SERVLET_PATTERN, "/async/start", HTTP_WHITEBOARD_SERVLET_ASYNC_SUPPORTED, true);
        servlet(trace(), HTTP_WHITEBOARD_SERVLET_PATTERN, "/async/end", HTTP_WHITEBOARD_SERVLET_ASYNC_SUPPORTED, true);
        filter(tag("req"), HTTP_WHITEBOARD_FILTER_PATTERN, "/async/end", HTTP_WHITEBOARD_FILTER_ASYNC_SUPPORTED, true);
        filter(tag("async"), HTTP_WHITEBOARD_FILTER_PATTERN, "/async/end", HTTP_WHITEBOARD_FILTER_ASYNC_SUPPORTED, true,
                HTTP_WHITEBOARD_FILTER_DISPATCHER, DISPATCHER_ASYNC);
        assertEquals("REQUEST req", await("/async/end", 200).text());
        assertEquals("ASYNC async", get("/async/start").text());
    }

    // ---- 140.5: what a filter does

    @Test
    public void aFilterMayAnswerWithoutCallingTheChain() throws Exception {
        AtomicInteger served = new AtomicInteger();
        AtomicInteger after = new AtomicInteger();
        servlet(new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                served.incrementAndGet();
                resp.getWriter().print("servlet");
            }
        }, HTTP_WHITEBOARD_SERVLET_PATTERN, "/guarded/*");
        filter((req, resp, chain) -> {
            HttpServletResponse http = (HttpServletResponse) resp;
            http.setStatus(451);
            http.setContentType("text/plain");
            http.getWriter().print("stopped by the filter");
        }, HTTP_WHITEBOARD_FILTER_PATTERN, "/guarded/stop", Constants.SERVICE_RANKING, 5);
        filter((req, resp, chain) -> {
            after.incrementAndGet();
            chain.doFilter(req, resp);
        }, HTTP_WHITEBOARD_FILTER_PATTERN, "/guarded/*");
        assertEquals("servlet", await("/guarded/go", 200).text());
        int servedBefore = served.get();
        int afterBefore = after.get();
        Response stopped = get("/guarded/stop");
        assertEquals(451, stopped.status());
        assertEquals("stopped by the filter", stopped.text());
        assertEquals("the servlet was not called", servedBefore, served.get());
        assertEquals("nor the lower ranked filter", afterBefore, after.get());
    }

    @Test
    public void aFilterIsInitialisedWithItsNameAndInitParameters() throws Exception {
        servlet(text("body"), HTTP_WHITEBOARD_SERVLET_PATTERN, "/init");
        AtomicInteger destroyed = new AtomicInteger();
        ServiceRegistration<Filter> registration = filter(new Filter() {
            private FilterConfig config;

            @Override
            public void init(FilterConfig filterConfig) {
                config = filterConfig;
            }

            @Override
            public void doFilter(ServletRequest req, ServletResponse resp, FilterChain chain)
                    throws IOException, ServletException {
                ((HttpServletResponse) resp).setHeader("X-Filter", config.getFilterName() + " "
                        + config.getInitParameter("greeting") + " " + config.getInitParameter("absent") + " "
                        + (config.getServletContext() == req.getServletContext()));
                chain.doFilter(req, resp);
            }

            @Override
            public void destroy() {
                destroyed.incrementAndGet();
            }
        }, HTTP_WHITEBOARD_FILTER_PATTERN, "/init", HTTP_WHITEBOARD_FILTER_NAME, "greeter",
                HTTP_WHITEBOARD_FILTER_INIT_PARAM_PREFIX + "greeting", "hi");
        Response response = await("/init", 200);
        assertEquals("greeter hi null true", response.header("X-Filter"));
        assertEquals("body", response.text());
        FilterDTO dto = filterDto(defaultContext(runtime.getRuntimeDTO()), id(registration));
        assertEquals("greeter", dto.name);
        assertEquals("hi", dto.initParams.get("greeting"));
        assertEquals(List.of(DISPATCHER_REQUEST), List.of(dto.dispatcher));

        registration.unregister();
        assertEquals("destroyed once unregistered", 1, destroyed.get());
        assertNull("no longer filtering", get("/init").header("X-Filter"));
    }

    @Test
    public void aFilterWhoseInitThrowsFailsAndFiltersNothing() throws Exception {
        servlet(trace(), HTTP_WHITEBOARD_SERVLET_PATTERN, "/failing");
        ServiceRegistration<Filter> failing = filter(new Filter() {
            @Override
            public void init(FilterConfig filterConfig) throws ServletException {
                throw new ServletException("no");
            }

            @Override
            public void doFilter(ServletRequest req, ServletResponse resp, FilterChain chain)
                    throws IOException, ServletException {
                req.setAttribute(TRACE, "failing");
                chain.doFilter(req, resp);
            }
        }, HTTP_WHITEBOARD_FILTER_PATTERN, "/failing");
        FailedFilterDTO failed = Await.until("the failed filter's DTO", () -> failedFilter(runtime.getRuntimeDTO(), id(failing)));
        assertEquals(DTOConstants.FAILURE_REASON_EXCEPTION_ON_INIT, failed.failureReason);
        assertEquals("REQUEST", await("/failing", 200).text());
    }

    @Test
    public void aFilterWithoutPatternRegexOrServletIsNotTracked() throws Exception {
        servlet(trace(), HTTP_WHITEBOARD_SERVLET_PATTERN, "/untracked");
        ServiceRegistration<Filter> ignored = filter(tag("ignored"), HTTP_WHITEBOARD_FILTER_NAME, "nothing",
                HTTP_WHITEBOARD_FILTER_DISPATCHER, DISPATCHER_REQUEST);
        ServiceRegistration<Filter> tracked = filter(tag("tracked"), HTTP_WHITEBOARD_FILTER_PATTERN, "/untracked");
        assertEquals("REQUEST tracked", await("/untracked", 200).text());
        RuntimeDTO dto = runtime.getRuntimeDTO();
        assertNotNull("the other filter is there", filterDto(defaultContext(dto), id(tracked)));
        assertNull(filterDto(defaultContext(dto), id(ignored)));
        assertNull("not even as a failure", failedFilter(dto, id(ignored)));
    }

    @Test
    public void aFilterWithAnInvalidRegexFailsValidation() throws Exception {
        servlet(trace(), HTTP_WHITEBOARD_SERVLET_PATTERN, "/regex");
        ServiceRegistration<Filter> bad = filter(tag("bad"), HTTP_WHITEBOARD_FILTER_REGEX, "/re([gex");
        FailedFilterDTO failed = Await.until("the invalid filter's DTO", () -> failedFilter(runtime.getRuntimeDTO(), id(bad)));
        assertEquals(DTOConstants.FAILURE_REASON_VALIDATION_FAILED, failed.failureReason);
        assertEquals(List.of("/re([gex"), List.of(failed.regexs));
        assertEquals("REQUEST", await("/regex", 200).text());
        assertNull(filterDto(defaultContext(runtime.getRuntimeDTO()), id(bad)));
    }

    @Test
    public void filtersRunForARequestNoServletServesWhichThenAnswers404() throws Exception {
        servlet(text("exists"), HTTP_WHITEBOARD_SERVLET_PATTERN, "/exists");
        AtomicInteger seen = new AtomicInteger();
        filter((req, resp, chain) -> {
            seen.incrementAndGet();
            ((HttpServletResponse) resp).setHeader("X-Seen", "yes");
            chain.doFilter(req, resp);
        }, HTTP_WHITEBOARD_FILTER_PATTERN, "/*");
        assertEquals("exists", await("/exists", 200).text());
        int before = seen.get();
        Response missing = get("/missing/here");
        assertEquals(404, missing.status());
        assertEquals("the filter ran before the 404", "yes", missing.header("X-Seen"));
        assertEquals(before + 1, seen.get());
    }

    // ---- 140.5.1: preprocessors

    @Test
    public void preprocessorsRunByRankingBeforeSecurityAndTheFilters() throws Exception {
        register(ServletContextHelper.class, new ServletContextHelper() {
            @Override
            public boolean handleSecurity(HttpServletRequest request, HttpServletResponse response) {
                append(request, "security");
                return true;
            }
        }, props(HTTP_WHITEBOARD_CONTEXT_NAME, "pp", HTTP_WHITEBOARD_CONTEXT_PATH, "/pp"));
        servlet(trace(), HTTP_WHITEBOARD_SERVLET_PATTERN, "/*", HTTP_WHITEBOARD_CONTEXT_SELECT, select("pp"));
        filter(tag("filter"), HTTP_WHITEBOARD_FILTER_PATTERN, "/*", HTTP_WHITEBOARD_CONTEXT_SELECT, select("pp"),
                Constants.SERVICE_RANKING, 100);
        preprocessor(tagging("pre-low"), Constants.SERVICE_RANKING, -1);
        preprocessor(tagging("pre-high"), Constants.SERVICE_RANKING, 7);
        preprocessor(tagging("pre-mid"));
        assertEquals("REQUEST pre-high pre-mid pre-low security filter", await("/pp/x", 200).text());
        assertEquals(3, runtime.getRuntimeDTO().preprocessorDTOs.length);
    }

    @Test
    public void preprocessorsRunForEveryRequestEvenOnesNothingServes() throws Exception {
        context("ctx", "/ctx");
        servlet(text("root"), HTTP_WHITEBOARD_SERVLET_PATTERN, "/served");
        servlet(text("ctx"), HTTP_WHITEBOARD_SERVLET_PATTERN, "/served", HTTP_WHITEBOARD_CONTEXT_SELECT, select("ctx"));
        List<String> seen = new CopyOnWriteArrayList<>();
        preprocessor(new Preprocessor() {
            @Override
            public void doFilter(ServletRequest req, ServletResponse resp, FilterChain chain)
                    throws IOException, ServletException {
                seen.add(((HttpServletRequest) req).getRequestURI());
                ((HttpServletResponse) resp).setHeader("X-Pre", "seen");
                chain.doFilter(req, resp);
            }
        });
        assertEquals("root", await("/served", 200).text());
        assertEquals("seen", get("/served").header("X-Pre"));
        assertEquals("ctx", get("/ctx/served").text());
        for (String target : List.of("/missing", "/ctx/missing", "/deep/ly/missing")) {
            Response response = get(target);
            assertEquals(target, 404, response.status());
            assertEquals(target, "seen", response.header("X-Pre"));
        }
        assertEquals(List.of("/served", "/served", "/ctx/served", "/missing", "/ctx/missing", "/deep/ly/missing"),
                seen.subList(seen.size() - 6, seen.size()));
    }

    @Test
    public void aPreprocessorThatAnswersEndsTheRequest() throws Exception {
        AtomicInteger secured = new AtomicInteger();
        AtomicInteger filtered = new AtomicInteger();
        AtomicInteger served = new AtomicInteger();
        register(ServletContextHelper.class, new ServletContextHelper() {
            @Override
            public boolean handleSecurity(HttpServletRequest request, HttpServletResponse response) {
                secured.incrementAndGet();
                return true;
            }
        }, props(HTTP_WHITEBOARD_CONTEXT_NAME, "stop", HTTP_WHITEBOARD_CONTEXT_PATH, "/stop"));
        servlet(new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                served.incrementAndGet();
                resp.getWriter().print("served");
            }
        }, HTTP_WHITEBOARD_SERVLET_PATTERN, "/*", HTTP_WHITEBOARD_CONTEXT_SELECT, select("stop"));
        filter((req, resp, chain) -> {
            filtered.incrementAndGet();
            chain.doFilter(req, resp);
        }, HTTP_WHITEBOARD_FILTER_PATTERN, "/*", HTTP_WHITEBOARD_CONTEXT_SELECT, select("stop"));
        AtomicInteger lower = new AtomicInteger();
        preprocessor(new Preprocessor() {
            @Override
            public void doFilter(ServletRequest req, ServletResponse resp, FilterChain chain)
                    throws IOException, ServletException {
                if (((HttpServletRequest) req).getRequestURI().endsWith("/maintenance")) {
                    HttpServletResponse http = (HttpServletResponse) resp;
                    http.setStatus(503);
                    http.setContentType("text/plain");
                    http.getWriter().print("down for maintenance");
                    return;
                }
                chain.doFilter(req, resp);
            }
        }, Constants.SERVICE_RANKING, 1);
        preprocessor(new Preprocessor() {
            @Override
            public void doFilter(ServletRequest req, ServletResponse resp, FilterChain chain)
                    throws IOException, ServletException {
                lower.incrementAndGet();
                chain.doFilter(req, resp);
            }
        });
        assertEquals("served", await("/stop/open", 200).text());
        int[] before = {secured.get(), filtered.get(), served.get(), lower.get()};
        Response down = get("/stop/maintenance");
        assertEquals(503, down.status());
        assertEquals("down for maintenance", down.text());
        assertEquals("neither security, the filter, the servlet nor a lower preprocessor ran",
                List.of(before[0], before[1], before[2], before[3]),
                List.of(secured.get(), filtered.get(), served.get(), lower.get()));
    }

    @Test
    public void aPreprocessorsInitParametersAndItsWrappedRequest() throws Exception {
        servlet(new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.getWriter().print("x-pre=" + req.getHeader("X-Pre"));
            }
        }, HTTP_WHITEBOARD_SERVLET_PATTERN, "/wrapped");
        List<String> init = new CopyOnWriteArrayList<>();
        preprocessor(new Preprocessor() {
            private String value;

            @Override
            public void init(FilterConfig config) {
                value = config.getInitParameter("value");
                init.add(value + " " + (config.getServletContext() != null));
            }

            @Override
            public void doFilter(ServletRequest req, ServletResponse resp, FilterChain chain)
                    throws IOException, ServletException {
                chain.doFilter(new HttpServletRequestWrapper((HttpServletRequest) req) {
                    @Override
                    public String getHeader(String name) {
                        return name.equalsIgnoreCase("X-Pre") ? value : super.getHeader(name);
                    }
                }, resp);
            }
        }, HTTP_WHITEBOARD_PREPROCESSOR_INIT_PARAM_PREFIX + "value", "from-init");
        assertEquals("init with its parameters and a servlet context", List.of("from-init true"), init);
        assertEquals("the servlet gets the preprocessor's wrapper", "x-pre=from-init", await("/wrapped", 200).text());
        assertEquals("from-init", runtime.getRuntimeDTO().preprocessorDTOs[0].initParams.get("value"));
    }

    // ---- helpers

    /** A servlet answering its dispatcher type and the tags the filters left, space separated. */
    private static HttpServlet trace() {
        return new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.setContentType("text/plain");
                Object trace = req.getAttribute(TRACE);
                resp.getWriter().print(req.getDispatcherType() + (trace == null ? "" : trace.toString()));
            }
        };
    }

    private static void append(ServletRequest request, String tag) {
        Object trace = request.getAttribute(TRACE);
        request.setAttribute(TRACE, (trace == null ? "" : trace.toString()) + " " + tag);
    }

    /** A filter that appends {@code tag} to the trace and goes on. */
    private static Filter tag(String tag) {
        return (req, resp, chain) -> {
            append(req, tag);
            chain.doFilter(req, resp);
        };
    }

    /** A preprocessor that appends {@code tag} to the trace and goes on. */
    private static Preprocessor tagging(String tag) {
        return new Preprocessor() {
            @Override
            public void doFilter(ServletRequest req, ServletResponse resp, FilterChain chain)
                    throws IOException, ServletException {
                append(req, tag);
                chain.doFilter(req, resp);
            }
        };
    }

    private ServiceRegistration<Preprocessor> preprocessor(Preprocessor preprocessor, Object... keysAndValues) {
        return register(Preprocessor.class, preprocessor, props(keysAndValues));
    }

    private ServiceRegistration<ServletContextHelper> context(String name, String path) {
        return register(ServletContextHelper.class, new ServletContextHelper() {
        }, props(HTTP_WHITEBOARD_CONTEXT_NAME, name, HTTP_WHITEBOARD_CONTEXT_PATH, path));
    }

    private static String select(String contextName) {
        return "(" + HTTP_WHITEBOARD_CONTEXT_NAME + "=" + contextName + ")";
    }

    private static long id(ServiceRegistration<?> registration) {
        return (Long) registration.getReference().getProperty(Constants.SERVICE_ID);
    }

    private static ServletContextDTO defaultContext(RuntimeDTO dto) {
        for (ServletContextDTO context : dto.servletContextDTOs) {
            if (context.name.equals(HTTP_WHITEBOARD_DEFAULT_CONTEXT_NAME)) {
                return context;
            }
        }
        throw new AssertionError("no default context DTO");
    }

    private static FilterDTO filterDto(ServletContextDTO context, long id) {
        for (FilterDTO filter : context.filterDTOs) {
            if (filter.serviceId == id) {
                return filter;
            }
        }
        return null;
    }

    private static FailedFilterDTO failedFilter(RuntimeDTO dto, long id) {
        for (FailedFilterDTO failed : dto.failedFilterDTOs) {
            if (failed.serviceId == id) {
                return failed;
            }
        }
        return null;
    }
}

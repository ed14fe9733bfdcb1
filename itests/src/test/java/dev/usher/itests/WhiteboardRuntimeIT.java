package dev.usher.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.osgi.service.servlet.whiteboard.HttpWhiteboardConstants.*;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestListener;
import jakarta.servlet.ServletResponse;
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
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceFactory;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.Version;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.service.servlet.context.ServletContextHelper;
import org.osgi.service.servlet.runtime.HttpServiceRuntime;
import org.osgi.service.servlet.runtime.HttpServiceRuntimeConstants;
import org.osgi.service.servlet.runtime.dto.DTOConstants;
import org.osgi.service.servlet.runtime.dto.ErrorPageDTO;
import org.osgi.service.servlet.runtime.dto.FailedErrorPageDTO;
import org.osgi.service.servlet.runtime.dto.FailedFilterDTO;
import org.osgi.service.servlet.runtime.dto.FailedResourceDTO;
import org.osgi.service.servlet.runtime.dto.FailedServletContextDTO;
import org.osgi.service.servlet.runtime.dto.FailedServletDTO;
import org.osgi.service.servlet.runtime.dto.FilterDTO;
import org.osgi.service.servlet.runtime.dto.ListenerDTO;
import org.osgi.service.servlet.runtime.dto.RequestInfoDTO;
import org.osgi.service.servlet.runtime.dto.ResourceDTO;
import org.osgi.service.servlet.runtime.dto.RuntimeDTO;
import org.osgi.service.servlet.runtime.dto.ServletContextDTO;
import org.osgi.service.servlet.runtime.dto.ServletDTO;

/**
 * The runtime (Compendium 140.9): the {@code HttpServiceRuntime} service's properties, the
 * runtime DTO of what is served and of what failed (with each failure reason the whiteboard
 * produces), the request info of a path, and the {@code osgi.implementation} capability (140.11).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class WhiteboardRuntimeIT extends WhiteboardTestSupport {

    @Configuration
    public Option[] configuration() {
        return UsherOptions.withServletWhiteboard();
    }

    private static long id(ServiceRegistration<?> registration) {
        return (Long) registration.getReference().getProperty(Constants.SERVICE_ID);
    }

    private ServiceReference<HttpServiceRuntime> runtimeReference() {
        ServiceReference<HttpServiceRuntime> reference = context.getServiceReference(HttpServiceRuntime.class);
        assertNotNull("the HttpServiceRuntime service", reference);
        return reference;
    }

    private static ServletContextDTO contextNamed(RuntimeDTO dto, String name) {
        return Arrays.stream(dto.servletContextDTOs).filter(c -> c.name.equals(name)).findFirst().orElse(null);
    }

    private static <T> T byServiceId(T[] dtos, Function<T, Long> serviceId, long id) {
        return Arrays.stream(dtos).filter(d -> serviceId.apply(d) == id).findFirst().orElse(null);
    }

    @Test
    public void theRuntimeServiceNamesItsEndpointAndCountsChanges() throws Exception {
        ServiceReference<HttpServiceRuntime> reference = runtimeReference();
        long before = (Long) reference.getProperty(Constants.SERVICE_CHANGECOUNT);
        servlet(text("counted"), HTTP_WHITEBOARD_SERVLET_PATTERN, "/counted");
        long after = (Long) reference.getProperty(Constants.SERVICE_CHANGECOUNT);
        assertTrue("service.changecount " + before + " -> " + after, after > before);

        String expected = "http://127.0.0.1:" + port + "/";
        Await.condition("osgi.http.endpoint to name " + expected, () -> {
            Object endpoints = reference.getProperty(HttpServiceRuntimeConstants.HTTP_SERVICE_ENDPOINT);
            return endpoints instanceof String[] urls && Arrays.asList(urls).contains(expected);
        });
        RuntimeDTO dto = runtime.getRuntimeDTO();
        assertEquals("the runtime DTO describes its service", (long) (Long) reference.getProperty(Constants.SERVICE_ID),
                dto.serviceDTO.id);
    }

    @Test
    public void aTargetFilterIsMatchedAgainstTheEndpointsAsTheyAreNow() throws Exception {
        String expected = "http://127.0.0.1:" + port + "/";
        // the first change since this test's server started: the runtime learns the new endpoint
        // as it applies it, and the target must see that endpoint, not the last test's
        servlet(text("targeted"), HTTP_WHITEBOARD_SERVLET_PATTERN, "/targeted", HTTP_WHITEBOARD_TARGET,
                "(" + HttpServiceRuntimeConstants.HTTP_SERVICE_ENDPOINT + "=" + expected + ")");
        assertEquals("targeted", get("/targeted").text());
        servlet(text("elsewhere"), HTTP_WHITEBOARD_SERVLET_PATTERN, "/elsewhere", HTTP_WHITEBOARD_TARGET,
                "(" + HttpServiceRuntimeConstants.HTTP_SERVICE_ENDPOINT + "=http://192.0.2.1:1/)");
        assertEquals("a service for another whiteboard is not served", 404, get("/elsewhere").status());
        RuntimeDTO dto = runtime.getRuntimeDTO();
        assertTrue("nor reported as failed: it is not this whiteboard's", Arrays.stream(dto.failedServletDTOs)
                .noneMatch(f -> f.patterns != null && Arrays.asList(f.patterns).contains("/elsewhere")));
    }

    @Test
    public void theDefaultContextDescribesEveryKindOfMember() throws Exception {
        ServiceRegistration<Servlet> servlet = servlet(text("described"), HTTP_WHITEBOARD_SERVLET_PATTERN,
                new String[] {"/described/*", "*.desc"}, HTTP_WHITEBOARD_SERVLET_NAME, "described",
                HTTP_WHITEBOARD_SERVLET_ASYNC_SUPPORTED, true, HTTP_WHITEBOARD_SERVLET_INIT_PARAM_PREFIX + "greeting", "hi",
                HTTP_WHITEBOARD_SERVLET_MULTIPART_ENABLED, true, HTTP_WHITEBOARD_SERVLET_MULTIPART_MAXFILESIZE, 4096L);
        ServiceRegistration<Servlet> errors = servlet(text("error"), HTTP_WHITEBOARD_SERVLET_ERROR_PAGE,
                new String[] {"4xx", "500", IOException.class.getName()}, HTTP_WHITEBOARD_SERVLET_NAME, "errors");
        ServiceRegistration<Filter> filter = filter(passing(), HTTP_WHITEBOARD_FILTER_PATTERN, "/described/*",
                HTTP_WHITEBOARD_FILTER_REGEX, ".*\\.desc", HTTP_WHITEBOARD_FILTER_SERVLET, "errors",
                HTTP_WHITEBOARD_FILTER_NAME, "watching", HTTP_WHITEBOARD_FILTER_DISPATCHER,
                new String[] {"REQUEST", "ERROR"}, HTTP_WHITEBOARD_FILTER_INIT_PARAM_PREFIX + "level", "3");
        ServiceRegistration<Object> resource = register(Object.class, new Object(),
                props(HTTP_WHITEBOARD_RESOURCE_PATTERN, "/static/*", HTTP_WHITEBOARD_RESOURCE_PREFIX, "/www"));
        ServiceRegistration<?> listener = context.registerService(ServletRequestListener.class,
                new ServletRequestListener() {
                }, props(HTTP_WHITEBOARD_LISTENER, "true"));
        track(listener);

        RuntimeDTO dto = runtime.getRuntimeDTO();
        ServletContextDTO root = contextNamed(dto, HTTP_WHITEBOARD_DEFAULT_CONTEXT_NAME);
        assertNotNull("the default context", root);
        assertEquals("/", root.contextPath);
        long rootId = root.serviceId;
        assertTrue(rootId > 0);

        ServletDTO s = byServiceId(root.servletDTOs, d -> d.serviceId, id(servlet));
        assertNotNull("the servlet's DTO", s);
        assertEquals("described", s.name);
        assertEquals(Set.of("/described/*", "*.desc"), Set.of(s.patterns));
        assertTrue(s.asyncSupported);
        assertEquals(Map.of("greeting", "hi"), s.initParams);
        assertEquals(rootId, s.servletContextId);
        assertTrue(s.multipartEnabled);
        assertEquals(4096L, s.multipartMaxFileSize);
        assertNull("an error page without patterns is no servlet DTO",
                byServiceId(root.servletDTOs, d -> d.serviceId, id(errors)));

        ErrorPageDTO e = byServiceId(root.errorPageDTOs, d -> d.serviceId, id(errors));
        assertNotNull("the error page's DTO", e);
        assertEquals("errors", e.name);
        Set<Long> codes = LongStream.rangeClosed(400, 500).boxed().collect(Collectors.toCollection(TreeSet::new));
        assertEquals("4xx expanded, and 500", codes, Arrays.stream(e.errorCodes).boxed().collect(Collectors.toSet()));
        assertArrayEquals(new String[] {IOException.class.getName()}, e.exceptions);
        assertEquals(rootId, e.servletContextId);

        FilterDTO f = byServiceId(root.filterDTOs, d -> d.serviceId, id(filter));
        assertNotNull("the filter's DTO", f);
        assertEquals("watching", f.name);
        assertArrayEquals(new String[] {"/described/*"}, f.patterns);
        assertArrayEquals(new String[] {".*\\.desc"}, f.regexs);
        assertArrayEquals(new String[] {"errors"}, f.servletNames);
        assertEquals(Set.of("REQUEST", "ERROR"), Set.of(f.dispatcher));
        assertEquals(Map.of("level", "3"), f.initParams);
        assertEquals(rootId, f.servletContextId);

        ResourceDTO r = byServiceId(root.resourceDTOs, d -> d.serviceId, id(resource));
        assertNotNull("the resource's DTO", r);
        assertArrayEquals(new String[] {"/static/*"}, r.patterns);
        assertEquals("/www", r.prefix);
        assertEquals(rootId, r.servletContextId);

        ListenerDTO l = byServiceId(root.listenerDTOs, d -> d.serviceId, id(listener));
        assertNotNull("the listener's DTO", l);
        assertArrayEquals(new String[] {ServletRequestListener.class.getName()}, l.types);
        assertEquals(rootId, l.servletContextId);

        // a later change shows in a new DTO: the DTO is a snapshot
        long servletId = id(servlet);
        servlet.unregister();
        assertNull(byServiceId(contextNamed(runtime.getRuntimeDTO(), "default").servletDTOs, d -> d.serviceId, servletId));
        assertNotNull("the old DTO is unchanged", byServiceId(root.servletDTOs, d -> d.serviceId, servletId));
    }

    @Test
    public void aContextDescribesItsPathInitParametersAndAttributes() throws Exception {
        ServiceRegistration<ServletContextHelper> helper = register(ServletContextHelper.class, new ServletContextHelper() {
        }, props(HTTP_WHITEBOARD_CONTEXT_NAME, "described", HTTP_WHITEBOARD_CONTEXT_PATH, "/described-context",
                HTTP_WHITEBOARD_CONTEXT_INIT_PARAM_PREFIX + "mode", "test"));
        servlet(new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                req.getServletContext().setAttribute("visits", 1);
                req.getServletContext().setAttribute("object", new Object());
                resp.getWriter().print(req.getServletContext().getInitParameter("mode"));
            }
        }, HTTP_WHITEBOARD_SERVLET_PATTERN, "/s", HTTP_WHITEBOARD_CONTEXT_SELECT, "(" + HTTP_WHITEBOARD_CONTEXT_NAME
                + "=described)");
        assertEquals("test", get("/described-context/s").text());
        ServletContextDTO dto = contextNamed(runtime.getRuntimeDTO(), "described");
        assertNotNull(dto);
        assertEquals(id(helper), dto.serviceId);
        assertEquals("/described-context", dto.contextPath);
        assertEquals(Map.of("mode", "test"), dto.initParams);
        assertEquals("what a DTO can carry", 1, dto.attributes.get("visits"));
        assertTrue("not an arbitrary object", !dto.attributes.containsKey("object"));
        assertEquals(dto.serviceId, dto.servletDTOs[0].servletContextId);
    }

    @Test
    public void failuresCarryTheirReasons() throws Exception {
        // VALIDATION_FAILED: properties that break the rules
        ServiceRegistration<ServletContextHelper> badPath = register(ServletContextHelper.class,
                new ServletContextHelper() {
                }, props(HTTP_WHITEBOARD_CONTEXT_NAME, "badpath", HTTP_WHITEBOARD_CONTEXT_PATH, "no-slash"));
        ServiceRegistration<Object> badPrefix = register(Object.class, new Object(),
                props(HTTP_WHITEBOARD_RESOURCE_PATTERN, "/bad/*", HTTP_WHITEBOARD_RESOURCE_PREFIX, "/bad/"));
        // NO_SERVLET_CONTEXT_MATCHING: a select no context matches
        ServiceRegistration<Servlet> lost = servlet(text("lost"), HTTP_WHITEBOARD_SERVLET_PATTERN, "/lost",
                HTTP_WHITEBOARD_CONTEXT_SELECT, "(" + HTTP_WHITEBOARD_CONTEXT_NAME + "=nowhere)");
        // SHADOWED_BY_OTHER_SERVICE: a context name taken by a better ranked context, a pattern by a better servlet
        ServiceRegistration<ServletContextHelper> twinHigh = register(ServletContextHelper.class,
                new ServletContextHelper() {
                }, props(HTTP_WHITEBOARD_CONTEXT_NAME, "twin", HTTP_WHITEBOARD_CONTEXT_PATH, "/twin-high",
                        Constants.SERVICE_RANKING, 10));
        ServiceRegistration<ServletContextHelper> twinLow = register(ServletContextHelper.class,
                new ServletContextHelper() {
                }, props(HTTP_WHITEBOARD_CONTEXT_NAME, "twin", HTTP_WHITEBOARD_CONTEXT_PATH, "/twin-low"));
        servlet(text("winner"), HTTP_WHITEBOARD_SERVLET_PATTERN, "/contested", Constants.SERVICE_RANKING, 1);
        ServiceRegistration<Object> shadowedResource = register(Object.class, new Object(),
                props(HTTP_WHITEBOARD_RESOURCE_PATTERN, "/contested", HTTP_WHITEBOARD_RESOURCE_PREFIX, "/www"));
        servlet(text("page"), HTTP_WHITEBOARD_SERVLET_ERROR_PAGE, "404", Constants.SERVICE_RANKING, 1);
        ServiceRegistration<Servlet> shadowedPage = servlet(text("page"), HTTP_WHITEBOARD_SERVLET_ERROR_PAGE, "404");
        // EXCEPTION_ON_INIT: a filter whose init throws
        ServiceRegistration<Filter> failingFilter = filter(new Filter() {
            @Override
            public void init(FilterConfig config) throws ServletException {
                throw new ServletException("refused");
            }

            @Override
            public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) {
            }
        }, HTTP_WHITEBOARD_FILTER_PATTERN, "/*");
        // SERVICE_NOT_GETTABLE: a factory that gives nothing
        ServiceRegistration<?> ungettable = context.registerService(Servlet.class.getName(), new ServiceFactory<Servlet>() {
            @Override
            public Servlet getService(Bundle bundle, ServiceRegistration<Servlet> registration) {
                return null;
            }

            @Override
            public void ungetService(Bundle bundle, ServiceRegistration<Servlet> registration, Servlet service) {
            }
        }, props(HTTP_WHITEBOARD_SERVLET_PATTERN, "/ungettable"));
        track(ungettable);
        // SERVLET_CONTEXT_FAILURE: a context whose helper cannot be had
        ServiceRegistration<?> helperless = context.registerService(ServletContextHelper.class.getName(),
                new ServiceFactory<ServletContextHelper>() {
                    @Override
                    public ServletContextHelper getService(Bundle bundle,
                            ServiceRegistration<ServletContextHelper> registration) {
                        return null;
                    }

                    @Override
                    public void ungetService(Bundle bundle, ServiceRegistration<ServletContextHelper> registration,
                            ServletContextHelper service) {
                    }
                }, props(HTTP_WHITEBOARD_CONTEXT_NAME, "helperless", HTTP_WHITEBOARD_CONTEXT_PATH, "/helperless"));
        track(helperless);

        RuntimeDTO dto = runtime.getRuntimeDTO();
        FailedServletContextDTO path = byServiceId(dto.failedServletContextDTOs, d -> d.serviceId, id(badPath));
        assertNotNull("the context with a bad path", path);
        assertEquals(DTOConstants.FAILURE_REASON_VALIDATION_FAILED, path.failureReason);
        assertEquals("badpath", path.name);
        FailedResourceDTO prefix = byServiceId(dto.failedResourceDTOs, d -> d.serviceId, id(badPrefix));
        assertNotNull("the resource with a bad prefix", prefix);
        assertEquals(DTOConstants.FAILURE_REASON_VALIDATION_FAILED, prefix.failureReason);

        FailedServletDTO orphan = byServiceId(dto.failedServletDTOs, d -> d.serviceId, id(lost));
        assertNotNull("the servlet without a context", orphan);
        assertEquals(DTOConstants.FAILURE_REASON_NO_SERVLET_CONTEXT_MATCHING, orphan.failureReason);
        assertArrayEquals(new String[] {"/lost"}, orphan.patterns);

        FailedServletContextDTO twin = byServiceId(dto.failedServletContextDTOs, d -> d.serviceId, id(twinLow));
        assertNotNull("the lower ranked twin", twin);
        assertEquals(DTOConstants.FAILURE_REASON_SHADOWED_BY_OTHER_SERVICE, twin.failureReason);
        assertEquals("/twin-low", twin.contextPath);
        assertEquals(id(twinHigh), contextNamed(dto, "twin").serviceId);
        FailedResourceDTO shadowed = byServiceId(dto.failedResourceDTOs, d -> d.serviceId, id(shadowedResource));
        assertNotNull("the resource behind the better servlet", shadowed);
        assertEquals(DTOConstants.FAILURE_REASON_SHADOWED_BY_OTHER_SERVICE, shadowed.failureReason);
        assertEquals("winner", get("/contested").text());

        FailedErrorPageDTO page = byServiceId(dto.failedErrorPageDTOs, d -> d.serviceId, id(shadowedPage));
        assertNotNull("the error page behind the better one", page);
        assertEquals(DTOConstants.FAILURE_REASON_SHADOWED_BY_OTHER_SERVICE, page.failureReason);
        assertArrayEquals(new long[] {404}, page.errorCodes);

        FailedFilterDTO filterFailed = byServiceId(dto.failedFilterDTOs, d -> d.serviceId, id(failingFilter));
        assertNotNull("the filter whose init threw", filterFailed);
        assertEquals(DTOConstants.FAILURE_REASON_EXCEPTION_ON_INIT, filterFailed.failureReason);
        assertEquals("a failed filter filters nothing", "winner", get("/contested").text());

        FailedServletDTO notGettable = byServiceId(dto.failedServletDTOs, d -> d.serviceId, id(ungettable));
        assertNotNull("the servlet that cannot be got", notGettable);
        assertEquals(DTOConstants.FAILURE_REASON_SERVICE_NOT_GETTABLE, notGettable.failureReason);

        FailedServletContextDTO noHelper = byServiceId(dto.failedServletContextDTOs, d -> d.serviceId, id(helperless));
        assertNotNull("the context whose helper cannot be got", noHelper);
        assertEquals(DTOConstants.FAILURE_REASON_SERVLET_CONTEXT_FAILURE, noHelper.failureReason);

        // a failure that goes away leaves the failed DTOs
        twinHigh.unregister();
        RuntimeDTO after = runtime.getRuntimeDTO();
        assertNull(byServiceId(after.failedServletContextDTOs, d -> d.serviceId, id(twinLow)));
        assertEquals(id(twinLow), contextNamed(after, "twin").serviceId);
    }

    @Test
    public void requestInfoNamesTheServletOrResourceAndTheFiltersOfAPath() throws Exception {
        servlet(text("info"), HTTP_WHITEBOARD_SERVLET_PATTERN, "/info/*", HTTP_WHITEBOARD_SERVLET_NAME, "info");
        filter(passing(), HTTP_WHITEBOARD_FILTER_PATTERN, "/info/*", HTTP_WHITEBOARD_FILTER_NAME, "by-pattern");
        filter(passing(), HTTP_WHITEBOARD_FILTER_SERVLET, "info", HTTP_WHITEBOARD_FILTER_NAME, "by-name",
                Constants.SERVICE_RANKING, 5);
        filter(passing(), HTTP_WHITEBOARD_FILTER_PATTERN, "/elsewhere/*", HTTP_WHITEBOARD_FILTER_NAME, "elsewhere");
        filter(passing(), HTTP_WHITEBOARD_FILTER_PATTERN, "/info/*", HTTP_WHITEBOARD_FILTER_NAME, "forwards-only",
                HTTP_WHITEBOARD_FILTER_DISPATCHER, "FORWARD");
        ServiceRegistration<Object> resource = register(Object.class, new Object(),
                props(HTTP_WHITEBOARD_RESOURCE_PATTERN, "/res/*", HTTP_WHITEBOARD_RESOURCE_PREFIX, "/www"));
        ServiceRegistration<ServletContextHelper> helper = register(ServletContextHelper.class, new ServletContextHelper() {
        }, props(HTTP_WHITEBOARD_CONTEXT_NAME, "inner", HTTP_WHITEBOARD_CONTEXT_PATH, "/inner"));
        servlet(text("inner"), HTTP_WHITEBOARD_SERVLET_PATTERN, "/s", HTTP_WHITEBOARD_SERVLET_NAME, "inner-s",
                HTTP_WHITEBOARD_CONTEXT_SELECT, "(" + HTTP_WHITEBOARD_CONTEXT_NAME + "=inner)");
        long rootId = contextNamed(runtime.getRuntimeDTO(), "default").serviceId;

        RequestInfoDTO info = runtime.calculateRequestInfoDTO("/info/x");
        assertEquals("/info/x", info.path);
        assertEquals(rootId, info.servletContextId);
        assertNotNull(info.servletDTO);
        assertEquals("info", info.servletDTO.name);
        assertNull(info.resourceDTO);
        assertEquals("best ranked first; not the FORWARD-only filter", List.of("by-name", "by-pattern"),
                Arrays.stream(info.filterDTOs).map(f -> f.name).toList());

        RequestInfoDTO res = runtime.calculateRequestInfoDTO("/res/hello.txt");
        assertNull(res.servletDTO);
        assertNotNull(res.resourceDTO);
        assertEquals(id(resource), res.resourceDTO.serviceId);
        assertEquals("/www", res.resourceDTO.prefix);
        assertEquals(0, res.filterDTOs.length);

        RequestInfoDTO inner = runtime.calculateRequestInfoDTO("/inner/s");
        assertEquals(id(helper), inner.servletContextId);
        assertEquals("inner-s", inner.servletDTO.name);

        RequestInfoDTO nothing = runtime.calculateRequestInfoDTO("/nothing/here");
        assertNull(nothing.servletDTO);
        assertNull(nothing.resourceDTO);
    }

    @Test
    public void theServletBundleProvidesTheImplementationCapability() throws Exception {
        Bundle whiteboard = Arrays.stream(context.getBundles())
                .filter(b -> "dev.usher.servlet".equals(b.getSymbolicName())).findFirst().orElseThrow(() -> new AssertionError("no dev.usher.servlet bundle"));
        assertEquals(Bundle.ACTIVE, whiteboard.getState());
        assertEquals("the runtime service is the whiteboard bundle's", whiteboard, runtimeReference().getBundle());

        List<BundleCapability> declared =
                whiteboard.adapt(BundleRevision.class).getDeclaredCapabilities("osgi.implementation");
        BundleCapability implementation = declared.stream()
                .filter(c -> HTTP_WHITEBOARD_IMPLEMENTATION.equals(c.getAttributes().get("osgi.implementation")))
                .findFirst().orElseThrow(() -> new AssertionError("no osgi.implementation=osgi.http in " + declared));
        assertEquals(new Version(2, 0, 0), implementation.getAttributes().get("version"));
        assertEquals(Version.parseVersion(HTTP_WHITEBOARD_SPECIFICATION_VERSION),
                implementation.getAttributes().get("version"));
        String uses = implementation.getDirectives().get("uses");
        assertNotNull("uses", uses);
        assertTrue(uses, uses.contains("org.osgi.service.servlet.whiteboard"));
        assertTrue(uses, uses.contains("jakarta.servlet"));

        BundleWiring wiring = whiteboard.adapt(BundleWiring.class);
        assertTrue("the resolved wiring provides it too", wiring.getCapabilities("osgi.implementation").stream()
                .anyMatch(c -> HTTP_WHITEBOARD_IMPLEMENTATION.equals(c.getAttributes().get("osgi.implementation"))));
        assertTrue("and the osgi.service capability of the runtime", wiring.getCapabilities("osgi.service").stream()
                .anyMatch(c -> String.valueOf(c.getAttributes().get("objectClass"))
                        .contains(HttpServiceRuntime.class.getName())));
    }

    private static Filter passing() {
        return new Filter() {
            @Override
            public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
                    throws IOException, ServletException {
                chain.doFilter(request, response);
            }
        };
    }
}

package dev.usher.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.osgi.service.servlet.whiteboard.HttpWhiteboardConstants.*;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
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

import dev.usher.itests.ClientConnection.Response;

/**
 * Asynchronous processing (Compendium 140.4 {@code servlet.asyncSupported}, 140.5
 * {@code filter.asyncSupported}; Servlet 6.0 2.3.3.3): a request completed from another thread,
 * dispatched to another servlet, timed out with and without an {@code AsyncListener}, and
 * refused where a servlet or a filter on the way does not support it.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class WhiteboardAsyncIT extends WhiteboardTestSupport {

    @Configuration
    public Option[] configuration() {
        return UsherOptions.withServletWhiteboard();
    }

    private final List<String> events = new CopyOnWriteArrayList<>();

    /** Waits until the events are {@code expected}; else fails showing what was heard in the end. */
    private void awaitEvents(List<String> expected) {
        try {
            Await.condition("the events " + expected, () -> events.equals(expected));
        } catch (AssertionError timedOut) {
            assertEquals("the events heard", expected, events);
            throw timedOut;
        }
    }

    /** An async servlet writing {@code before}, starting async and handing the context to {@code started}. */
    private static HttpServlet handingOver(BlockingQueue<AsyncContext> started) {
        return new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.setContentType("text/plain");
                resp.getWriter().print("before " + req.getDispatcherType() + " supported=" + req.isAsyncSupported());
                AsyncContext async = req.startAsync();
                resp.getWriter().print(" started=" + req.isAsyncStarted());
                started.add(async);
            }
        };
    }

    @Test
    public void completedFromAnotherThreadWithWhatWasWrittenBeforeAndAfter() throws Exception {
        BlockingQueue<AsyncContext> started = new LinkedBlockingQueue<>();
        servlet(handingOver(started), HTTP_WHITEBOARD_SERVLET_PATTERN, "/async",
                HTTP_WHITEBOARD_SERVLET_ASYNC_SUPPORTED, true);
        try (ClientConnection c = ClientConnection.open(port)) {
            c.send("GET", "/async", Map.of(), new byte[0]);
            AsyncContext async = started.poll(10, TimeUnit.SECONDS);
            assertNotNull("the servlet started async", async);
            assertTrue("the response waits for complete", c.quietFor(Duration.ofMillis(200)));
            Thread other = new Thread(() -> {
                try {
                    async.getResponse().getWriter().print(" | after on " + Thread.currentThread().getName());
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
                async.complete();
            }, "completer");
            other.start();
            Response response = c.readResponse();
            assertEquals(200, response.status());
            assertEquals("before REQUEST supported=true started=true | after on completer", response.text());
            other.join(10_000);

            // the connection stays usable after an asynchronous response
            c.send("GET", "/async", Map.of(), new byte[0]);
            AsyncContext second = started.poll(10, TimeUnit.SECONDS);
            assertNotNull(second);
            second.start(second::complete);
            assertEquals("before REQUEST supported=true started=true", c.readResponse().text());
        }
    }

    @Test
    public void aClientThatLeavesIsAnErrorForTheListeners() throws Exception {
        BlockingQueue<AsyncContext> started = new LinkedBlockingQueue<>();
        servlet(new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
                AsyncContext async = req.startAsync();
                async.setTimeout(0); // never: only the client ends it
                async.addListener(recording("left"));
                started.add(async);
            }
        }, HTTP_WHITEBOARD_SERVLET_PATTERN, "/async-left", HTTP_WHITEBOARD_SERVLET_ASYNC_SUPPORTED, true);
        AsyncContext async;
        try (ClientConnection c = ClientConnection.open(port)) {
            c.send("GET", "/async-left", Map.of(), new byte[0]);
            async = started.poll(10, TimeUnit.SECONDS);
            assertNotNull("the servlet started async", async);
        }
        awaitEvents(List.of("left error", "left complete"));
        async.complete(); // too late: nothing happens, nothing is told
        assertEquals(List.of("left error", "left complete"), events);
    }

    @Test
    public void dispatchRunsAnotherServletAsAnAsyncDispatch() throws Exception {
        servlet(new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
                AsyncContext async = req.startAsync();
                async.addListener(recording("listener"));
                async.start(() -> async.dispatch("/async-target/x?from=dispatch"));
            }
        }, HTTP_WHITEBOARD_SERVLET_PATTERN, "/async-source", HTTP_WHITEBOARD_SERVLET_ASYNC_SUPPORTED, true);
        servlet(new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.setContentType("text/plain");
                resp.getWriter().print(req.getDispatcherType() + " sp=" + req.getServletPath() + " pi=" + req.getPathInfo()
                        + " uri=" + req.getRequestURI() + " from=" + req.getParameter("from") + " q=" + req.getParameter("q")
                        + " async.request_uri=" + req.getAttribute(AsyncContext.ASYNC_REQUEST_URI)
                        + " async.servlet_path=" + req.getAttribute(AsyncContext.ASYNC_SERVLET_PATH)
                        + " async.query_string=" + req.getAttribute(AsyncContext.ASYNC_QUERY_STRING));
            }
        }, HTTP_WHITEBOARD_SERVLET_PATTERN, "/async-target/*");

        Response response = get("/async-source?q=1");
        assertEquals(200, response.status());
        assertEquals("ASYNC sp=/async-target pi=/x uri=/async-target/x from=dispatch q=1 async.request_uri=/async-source"
                + " async.servlet_path=/async-source async.query_string=q=1", response.text());
        awaitEvents(List.of("listener complete"));
    }

    @Test
    public void aDispatchThatStartsAsyncAgainTellsTheListenersOfTheNewCycle() throws Exception {
        servlet(new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                if (req.getDispatcherType() == DispatcherType.REQUEST) {
                    AsyncContext async = req.startAsync();
                    async.addListener(recording("first"));
                    async.dispatch();
                    return;
                }
                // the dispatched call: a second cycle; the first listener hears onStartAsync and then no more
                AsyncContext again = req.startAsync();
                again.addListener(recording("second"));
                resp.setContentType("text/plain");
                resp.getWriter().print("second cycle " + req.getDispatcherType() + " started=" + req.isAsyncStarted());
                again.start(again::complete);
            }
        }, HTTP_WHITEBOARD_SERVLET_PATTERN, "/cycles", HTTP_WHITEBOARD_SERVLET_ASYNC_SUPPORTED, true);
        Response response = get("/cycles");
        assertEquals(200, response.status());
        assertEquals("second cycle ASYNC started=true", response.text());
        awaitEvents(List.of("first start", "second complete"));
    }

    private AsyncListener recording(String name) {
        return new AsyncListener() {
            @Override
            public void onComplete(AsyncEvent event) {
                events.add(name + " complete");
            }

            @Override
            public void onTimeout(AsyncEvent event) {
                events.add(name + " timeout");
            }

            @Override
            public void onError(AsyncEvent event) {
                events.add(name + " error");
            }

            @Override
            public void onStartAsync(AsyncEvent event) {
                events.add(name + " start");
            }
        };
    }

    @Test
    public void aTimeoutListenerMayAnswer() throws Exception {
        servlet(new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
                AsyncContext async = req.startAsync();
                async.setTimeout(200);
                async.addListener(new AsyncListener() {
                    @Override
                    public void onTimeout(AsyncEvent event) throws IOException {
                        events.add("timeout");
                        HttpServletResponse response = (HttpServletResponse) event.getAsyncContext().getResponse();
                        response.setStatus(503);
                        response.setContentType("text/plain");
                        response.getWriter().print("too slow");
                        event.getAsyncContext().complete();
                    }

                    @Override
                    public void onComplete(AsyncEvent event) {
                        events.add("complete");
                    }

                    @Override
                    public void onError(AsyncEvent event) {
                        events.add("error");
                    }

                    @Override
                    public void onStartAsync(AsyncEvent event) {
                        events.add("start");
                    }
                });
            }
        }, HTTP_WHITEBOARD_SERVLET_PATTERN, "/async-timeout", HTTP_WHITEBOARD_SERVLET_ASYNC_SUPPORTED, true);
        Response response = get("/async-timeout");
        assertEquals(503, response.status());
        assertEquals("too slow", response.text());
        awaitEvents(List.of("timeout", "complete"));
    }

    @Test
    public void aTimeoutNobodyAnswersIsAnError() throws Exception {
        servlet(new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.getWriter().print("lost in the timeout");
                AsyncContext async = req.startAsync();
                async.setTimeout(150);
                if (req.getParameter("listened") != null) {
                    async.addListener(recording("idle"));
                }
            }
        }, HTTP_WHITEBOARD_SERVLET_PATTERN, "/async-idle", HTTP_WHITEBOARD_SERVLET_ASYNC_SUPPORTED, true);
        Response unlistened = get("/async-idle");
        assertEquals(500, unlistened.status());
        assertTrue(unlistened.text(), unlistened.text().contains("500 Internal Server Error"));
        assertTrue(unlistened.text(), !unlistened.text().contains("lost in the timeout"));

        Response listened = get("/async-idle?listened");
        assertEquals("a listener that does not answer changes nothing", 500, listened.status());
        assertTrue(listened.text(), !listened.text().contains("lost in the timeout"));
        awaitEvents(List.of("idle timeout", "idle complete"));
    }

    /** A servlet trying startAsync and answering what it got. */
    private static HttpServlet tryingAsync() {
        return new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                String outcome;
                try {
                    req.startAsync().complete();
                    outcome = "started";
                } catch (IllegalStateException e) {
                    outcome = "IllegalStateException";
                }
                resp.getWriter().print("supported=" + req.isAsyncSupported() + " " + outcome);
            }
        };
    }

    @Test
    public void startAsyncOnAServletWithoutAsyncSupportIsRefused() throws Exception {
        servlet(tryingAsync(), HTTP_WHITEBOARD_SERVLET_PATTERN, "/sync");
        servlet(tryingAsync(), HTTP_WHITEBOARD_SERVLET_PATTERN, "/sync-false",
                HTTP_WHITEBOARD_SERVLET_ASYNC_SUPPORTED, false);
        servlet(tryingAsync(), HTTP_WHITEBOARD_SERVLET_PATTERN, "/supported",
                HTTP_WHITEBOARD_SERVLET_ASYNC_SUPPORTED, true);
        assertEquals("supported=false IllegalStateException", get("/sync").text());
        assertEquals("supported=false IllegalStateException", get("/sync-false").text());
        Response supported = get("/supported");
        assertEquals(200, supported.status());
        assertEquals("supported=true started", supported.text());
    }

    @Test
    public void aFilterWithoutAsyncSupportInFrontMakesTheRequestSynchronous() throws Exception {
        servlet(tryingAsync(), HTTP_WHITEBOARD_SERVLET_PATTERN, "/filtered/*",
                HTTP_WHITEBOARD_SERVLET_ASYNC_SUPPORTED, true);
        filter(passing("sync"), HTTP_WHITEBOARD_FILTER_PATTERN, "/filtered/sync");
        filter(passing("async"), HTTP_WHITEBOARD_FILTER_PATTERN, "/filtered/*",
                HTTP_WHITEBOARD_FILTER_ASYNC_SUPPORTED, true);
        assertEquals("supported=false IllegalStateException", get("/filtered/sync").text());
        assertEquals("an async filter keeps it asynchronous", "supported=true started", get("/filtered/other").text());
        // both filters (best ranked, then oldest, first) see the first request; only one the second
        assertEquals(List.of("sync", "async", "async"), events);
    }

    private Filter passing(String name) {
        return new Filter() {
            @Override
            public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
                    throws IOException, ServletException {
                events.add(name);
                chain.doFilter(request, response);
            }
        };
    }
}

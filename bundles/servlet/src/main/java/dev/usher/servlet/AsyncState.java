package dev.usher.servlet;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;

import dev.usher.api.AsyncResponse;

/**
 * A request in asynchronous mode (Servlet 6.0, 2.3.3.3), on Usher's {@link AsyncResponse}: the
 * call returns, no thread waits, and the response ends with {@link #complete}, a
 * {@link #dispatch}, the timeout, or the client leaving. The whiteboard's own timer runs the
 * timeout, since the servlet's listeners may still answer when it fires.
 */
final class AsyncState implements AsyncContext {

    /** Where the asynchronous cycle is. */
    private enum Phase {
        /** {@code startAsync} was called and the call that made it has not returned yet. */
        STARTING,
        /** The call returned: the response waits for the application. */
        WAITING,
        /** A dispatch is running the request through a servlet again. */
        DISPATCHING,
        /** It ended: completed, timed out or abandoned by the client. */
        DONE
    }

    private final WhiteboardRequest root;
    private final WhiteboardResponse response;
    private final List<Registered> listeners = new ArrayList<>();
    private AsyncResponse exchange;
    private ServletRequest request;
    private ServletResponse servletResponse;
    private Phase phase = Phase.STARTING;
    private boolean started;
    private long timeoutMillis = 30_000;
    private ScheduledFuture<?> timer;
    private Runnable pendingDispatch;
    private boolean completeRequested;

    private record Registered(AsyncListener listener, ServletRequest request, ServletResponse response) {
    }

    AsyncState(WhiteboardRequest root, WhiteboardResponse response) {
        this.root = root;
        this.response = response;
    }

    /** {@code startAsync}: the first time it takes Usher's asynchronous response; again (after a dispatch) it restarts the cycle. */
    synchronized void start(ServletRequest request, ServletResponse servletResponse) {
        if (phase == Phase.DONE) {
            throw new IllegalStateException("the asynchronous cycle has ended");
        }
        if (started && phase == Phase.STARTING) {
            throw new IllegalStateException("startAsync was called already in this dispatch");
        }
        this.request = request;
        this.servletResponse = servletResponse;
        // a cycle before this one (started is false again while a dispatch runs): its listeners
        // hear onStartAsync and are dropped, to register again if they want more (AsyncListener)
        boolean restart = exchange != null;
        if (exchange == null) {
            exchange = response.exchange().startAsync();
            exchange.onEnd(this::ended);
            response.asyncStarted(true);
        }
        started = true;
        phase = Phase.STARTING;
        completeRequested = false;
        if (restart) {
            List<Registered> again = new ArrayList<>(listeners);
            listeners.clear();
            for (Registered r : again) {
                try {
                    r.listener().onStartAsync(new AsyncEvent(this, r.request(), r.response()));
                } catch (IOException | RuntimeException e) {
                    root.context().log().warn("AsyncListener failed in onStartAsync", e);
                }
            }
        }
    }

    /** Whether the request is in asynchronous mode (started and not ended). */
    synchronized boolean started() {
        return started && phase != Phase.DONE;
    }

    /**
     * The call that started (or restarted) the cycle returned: run what it asked for meanwhile,
     * else wait for the application, the timeout or the client.
     */
    void callReturned() {
        Runnable next;
        boolean complete;
        synchronized (this) {
            if (phase != Phase.STARTING) {
                return;
            }
            phase = Phase.WAITING;
            next = pendingDispatch;
            pendingDispatch = null;
            complete = completeRequested;
            if (next == null && !complete && timeoutMillis > 0) {
                timer = root.context().runtime().timer().schedule(this::timedOut, timeoutMillis, TimeUnit.MILLISECONDS);
            }
        }
        if (next != null) {
            next.run();
        } else if (complete) {
            complete();
        }
    }

    @Override
    public ServletRequest getRequest() {
        return request;
    }

    @Override
    public ServletResponse getResponse() {
        return servletResponse;
    }

    @Override
    public boolean hasOriginalRequestAndResponse() {
        return request == root && servletResponse == response;
    }

    @Override
    public void dispatch() {
        dispatch(Dispatch.pathWithin((HttpServletRequest) request));
    }

    @Override
    public void dispatch(String path) {
        dispatch(null, path);
    }

    @Override
    public void dispatch(ServletContext context, String path) {
        Runnable run = () -> root.context().runtime().executor().execute(() -> redispatch(path));
        synchronized (this) {
            if (phase == Phase.DONE || phase == Phase.DISPATCHING) {
                throw new IllegalStateException("the asynchronous cycle has ended or is dispatching");
            }
            cancelTimer();
            if (phase == Phase.STARTING) {
                pendingDispatch = run;
                return;
            }
            phase = Phase.DISPATCHING;
        }
        run.run();
    }

    private void redispatch(String path) {
        ContextState context = root.context();
        ContextRouting routing = context.runtime().routing();
        Dispatch.Destination destination = Dispatch.Destination.of(routing, path);
        ActiveServlet servlet = destination.servlet();
        HttpServletRequest dispatched = new DispatchedRequest((HttpServletRequest) request, DispatcherType.ASYNC, context,
                servlet, destination.target(), destination.query(), asyncAttributes());
        synchronized (this) {
            phase = Phase.STARTING;
            started = false;
        }
        try {
            Chain.run(Chain.filters(routing, servlet, destination.path(), DispatcherType.ASYNC), servlet, dispatched, servletResponse);
            if (response.error() != null) {
                ErrorPages.sendError(context, root, response);
            }
        } catch (Exception e) {
            try {
                ErrorPages.failed(context, root, response, e);
            } catch (Exception committed) {
                exchange.fail(committed);
                finished();
                return;
            }
        }
        boolean restarted;
        synchronized (this) {
            restarted = started;
            if (!restarted) {
                // no startAsync in the dispatch: the cycle ends with it, and complete() must not
                // wait for a call that has returned already
                phase = Phase.WAITING;
            }
        }
        if (restarted) {
            callReturned();
        } else {
            complete();
        }
    }

    /**
     * The {@code jakarta.servlet.async.*} attributes of an asynchronous dispatch (Servlet 6.0
     * 9.7.2): the paths of the request as it reached its first servlet.
     */
    private java.util.Map<String, Object> asyncAttributes() {
        java.util.Map<String, Object> attributes = new java.util.HashMap<>();
        attributes.put(ASYNC_REQUEST_URI, root.getRequestURI());
        attributes.put(ASYNC_CONTEXT_PATH, root.getContextPath());
        attributes.put(ASYNC_SERVLET_PATH, root.getServletPath());
        attributes.put(ASYNC_PATH_INFO, root.getPathInfo());
        attributes.put(ASYNC_QUERY_STRING, root.getQueryString());
        attributes.put(ASYNC_MAPPING, root.getHttpServletMapping());
        return attributes;
    }

    @Override
    public void complete() {
        synchronized (this) {
            if (phase == Phase.DONE) {
                return;
            }
            if (phase == Phase.STARTING) {
                // completed within the call that started it: it ends when that call returns
                completeRequested = true;
                return;
            }
            phase = Phase.DONE;
            cancelTimer();
        }
        try {
            response.finish();
            exchange.complete();
        } catch (IOException e) {
            exchange.fail(e);
        }
        fire((l, e) -> l.onComplete(e), null);
        finished();
    }

    private void timedOut() {
        synchronized (this) {
            if (phase != Phase.WAITING) {
                return;
            }
        }
        fire((l, e) -> l.onTimeout(e), null);
        synchronized (this) {
            if (phase != Phase.WAITING) {
                return; // a listener completed or dispatched
            }
        }
        // nobody answered: the Servlet specification's error dispatch with 500
        try {
            if (!response.isCommitted()) {
                response.sendError(500, "the asynchronous request timed out");
                ErrorPages.sendError(root.context(), root, response);
            }
        } catch (Exception e) {
            root.context().log().warn("The asynchronous timeout's error page failed", e);
        }
        complete();
    }

    /** Usher ended the response on its own: the client left or the server stopped. */
    private void ended(AsyncResponse.Ending why) {
        synchronized (this) {
            if (phase == Phase.DONE) {
                return;
            }
            phase = Phase.DONE;
            cancelTimer();
        }
        IOException cause = new IOException("the response ended: " + why);
        fire((l, e) -> l.onError(e), cause);
        fire((l, e) -> l.onComplete(e), null);
        finished();
    }

    private void finished() {
        root.cleanUp();
        ContextListeners listeners = root.context().listeners();
        if (!listeners.requests.isEmpty()) {
            var event = new jakarta.servlet.ServletRequestEvent(root.getServletContext(), root);
            listeners.fire(listeners.requests, l -> l.requestDestroyed(event));
        }
    }

    private interface Call {
        void on(AsyncListener listener, AsyncEvent event) throws IOException;
    }

    private void fire(Call call, Throwable error) {
        List<Registered> all;
        synchronized (this) {
            all = new ArrayList<>(listeners);
        }
        for (Registered r : all) {
            try {
                call.on(r.listener(), error == null ? new AsyncEvent(this, r.request(), r.response())
                        : new AsyncEvent(this, r.request(), r.response(), error));
            } catch (IOException | RuntimeException e) {
                root.context().log().warn("AsyncListener failed", e);
            }
        }
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    @Override
    public void start(Runnable run) {
        root.context().runtime().executor().execute(run);
    }

    @Override
    public synchronized void addListener(AsyncListener listener) {
        listeners.add(new Registered(listener, request, servletResponse));
    }

    @Override
    public synchronized void addListener(AsyncListener listener, ServletRequest request, ServletResponse response) {
        listeners.add(new Registered(listener, request, response));
    }

    @Override
    public <T extends AsyncListener> T createListener(Class<T> clazz) throws ServletException {
        try {
            return clazz.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new ServletException("cannot create " + clazz.getName(), e);
        }
    }

    @Override
    public synchronized void setTimeout(long timeout) {
        timeoutMillis = timeout;
    }

    @Override
    public synchronized long getTimeout() {
        return timeoutMillis;
    }
}

package dev.usher.servlet;

import java.util.List;
import java.util.concurrent.atomic.LongAdder;

import jakarta.servlet.Servlet;

import dev.usher.servlet.WhiteboardService.MultipartSettings;

/**
 * A servlet (or a resource service's servlet) initialised in one context: what requests are
 * routed to. It counts the calls in progress so that unregistering waits for them before
 * {@code destroy}, as the Servlet specification requires.
 *
 * @param patterns the patterns it won in its context (the others are shadowed)
 */
final class ActiveServlet {

    private final WhiteboardService service;
    private final Servlet servlet;
    private final String name;
    private final BundleServletContext context;
    private final List<ServletPattern> patterns;
    // striped: every call of every thread counts here, and a shared counter would make them queue
    private final LongAdder calls = new LongAdder();
    private volatile boolean draining;

    ActiveServlet(WhiteboardService service, Servlet servlet, String name, BundleServletContext context,
            List<ServletPattern> patterns) {
        this.service = service;
        this.servlet = servlet;
        this.name = name;
        this.context = context;
        this.patterns = List.copyOf(patterns);
    }

    WhiteboardService service() {
        return service;
    }

    Servlet servlet() {
        return servlet;
    }

    String name() {
        return name;
    }

    BundleServletContext context() {
        return context;
    }

    List<ServletPattern> patterns() {
        return patterns;
    }

    boolean asyncSupported() {
        return service instanceof WhiteboardService.ServletService s ? s.asyncSupported() : true;
    }

    /** Its multipart settings; null when it does not take multipart requests. */
    MultipartSettings multipart() {
        return service instanceof WhiteboardService.ServletService s ? s.multipart() : null;
    }

    /** Marks a call in progress; paired with {@link #left()}. */
    void entered() {
        calls.increment();
    }

    void left() {
        calls.decrement();
        if (draining) {
            synchronized (calls) {
                calls.notifyAll();
            }
        }
    }

    /**
     * Waits up to {@code millis} for the calls in progress to return. It is only called once
     * the servlet is out of the routing, so no new call starts meanwhile.
     */
    void awaitIdle(long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000;
        draining = true;
        synchronized (calls) {
            while (calls.sum() > 0) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    return;
                }
                try {
                    calls.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}

package dev.usher.servlet;

import java.util.List;

import jakarta.servlet.Servlet;

import dev.usher.servlet.WhiteboardService.MultipartSettings;

/**
 * A servlet (or a resource service's servlet) initialised in one context: what requests are
 * routed to. It counts the calls in progress ({@link Calls}) so that unregistering waits for
 * them before {@code destroy}, as the Servlet specification requires.
 *
 * @param patterns the patterns it won in its context (the others are shadowed)
 */
final class ActiveServlet {

    private final WhiteboardService service;
    private final Servlet servlet;
    private final String name;
    private final BundleServletContext context;
    private final List<ServletPattern> patterns;
    private final Calls calls;

    ActiveServlet(WhiteboardService service, Servlet servlet, String name, BundleServletContext context,
            List<ServletPattern> patterns) {
        this(service, servlet, name, context, patterns, new Calls());
    }

    private ActiveServlet(WhiteboardService service, Servlet servlet, String name, BundleServletContext context,
            List<ServletPattern> patterns, Calls calls) {
        this.service = service;
        this.servlet = servlet;
        this.name = name;
        this.context = context;
        this.patterns = List.copyOf(patterns);
        this.calls = calls;
    }

    /**
     * The same servlet with other patterns won. It shares the calls, since requests routed to
     * this one may still be running when it is destroyed.
     */
    ActiveServlet withPatterns(List<ServletPattern> won) {
        return new ActiveServlet(service, servlet, name, context, won, calls);
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

    /** Its calls in progress, which {@code destroy} waits for. */
    Calls calls() {
        return calls;
    }
}

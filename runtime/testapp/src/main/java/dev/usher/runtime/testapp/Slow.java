package dev.usher.runtime.testapp;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

import dev.usher.api.HttpApplication;
import dev.usher.api.HttpRequest;
import dev.usher.api.HttpResponse;
import dev.usher.api.Mount;

/**
 * {@code GET /slow?MILLIS}: an application that takes its time -- it logs
 * {@code Slow request: working MILLIS ms}, works (waits) that long, and answers
 * {@code done after MILLIS ms}. For the tests of graceful stops: a request in flight.
 */
@Component
@Mount("/slow")
public final class Slow implements HttpApplication {

    private final Logger logger;

    @Activate
    public Slow(@Reference(service = LoggerFactory.class) Logger logger) {
        this.logger = logger;
    }

    @Override
    public void handle(HttpRequest request, HttpResponse response) throws Exception {
        long millis = request.query().isEmpty() ? 1000 : Long.parseLong(request.query());
        logger.info("Slow request: working {} ms", millis);
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        for (long left; (left = until - System.nanoTime()) > 0; ) {
            TimeUnit.NANOSECONDS.sleep(left); // the work this application simulates
        }
        byte[] body = ("done after " + millis + " ms").getBytes(StandardCharsets.US_ASCII);
        response.setHeader("Content-Type", "text/plain");
        response.contentLength(body.length);
        response.body().write(body);
        logger.info("Slow request: done after {} ms", millis);
    }
}

package dev.usher.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

import dev.usher.api.AsyncResponse;
import dev.usher.api.HttpApplication;
import dev.usher.api.HttpRequest;
import dev.usher.api.HttpResponse;
import dev.usher.api.Mount;

/**
 * Server-sent events ({@code text/event-stream}): one event a second, {@code id} counting from
 * 1 and the time as {@code data}, until the client leaves. The streams are asynchronous
 * responses, written by one ticking thread, so a thousand streams hold no thread each.
 */
@Component
@Mount("/events")
public final class Events implements HttpApplication {

    /** One open stream and the events it was sent. */
    private record Stream(AsyncResponse response, AtomicLong sent) {
    }

    private final Set<Stream> streams = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService ticker = DemoThreads.scheduler("usher-demo-events");

    @Activate
    public Events() {
        ticker.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
    }

    @Deactivate
    void deactivate() {
        ticker.shutdownNow();
        streams.forEach(stream -> stream.response().complete());
        streams.clear();
    }

    @Override
    public void handle(HttpRequest request, HttpResponse response) throws Exception {
        AsyncResponse async = response.startAsync();
        response.setHeader("Content-Type", "text/event-stream");
        response.setHeader("Cache-Control", "no-cache");
        // the head now: the client knows the stream is open before the first event
        response.body().flush();
        Stream stream = new Stream(async, new AtomicLong());
        streams.add(stream);
        async.onEnd(ending -> streams.remove(stream));
    }

    private void tick() {
        String now = Instant.now().toString();
        for (Stream stream : streams) {
            long id = stream.sent().incrementAndGet();
            byte[] event = ("id: " + id + "\ndata: " + now + "\n\n").getBytes(StandardCharsets.UTF_8);
            try {
                stream.response().response().body().write(event);
                stream.response().response().body().flush();
            } catch (IOException ended) {
                // ended between the listing and the write: the listener removes it
                streams.remove(stream);
            }
        }
    }
}

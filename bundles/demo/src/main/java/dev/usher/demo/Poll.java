package dev.usher.demo;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

import dev.usher.api.AsyncResponse;
import dev.usher.api.HttpApplication;
import dev.usher.api.HttpRequest;
import dev.usher.api.HttpResponse;
import dev.usher.api.Mount;

/**
 * A long poll. {@code GET /poll} waits until a message is {@code POST}ed to {@code /poll}, then
 * answers {@code 200} with it; or, after {@code ?wait=N} seconds (default 30, at most 3600),
 * {@code 204}. Every client waiting receives the message posted; the {@code POST} answers how
 * many it reached.
 *
 * <p>It waits in one of two ways, whichever suits the thread it is called on: on a virtual
 * thread ({@code worker_class=virtual}) it simply blocks, as gunicorn's gevent workers let an
 * application block; on any other thread it starts an asynchronous response and returns, so the
 * {@code threads} pool is not held by waiting clients.
 */
@Component
@Mount("/poll")
public final class Poll implements HttpApplication {

    private static final int DEFAULT_WAIT_SECONDS = 30;
    private static final int MAX_WAIT_SECONDS = 3600;
    private static final int MAX_MESSAGE_BYTES = 64 * 1024;
    /** {@code Thread::isVirtual}, on a JVM that has it; else null. */
    private static final MethodHandle IS_VIRTUAL = isVirtual();

    /** The clients waiting, each for the next message (null: the wait ran out). */
    private final Set<CompletableFuture<String>> waiting = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer = DemoThreads.scheduler("usher-demo-poll");

    @Deactivate
    void deactivate() {
        timer.shutdownNow();
        // the application goes away: its clients learn at once instead of at the end of their wait
        waiting.forEach(next -> next.completeExceptionally(new IllegalStateException("stopping")));
        waiting.clear();
    }

    @Override
    public void handle(HttpRequest request, HttpResponse response) throws Exception {
        switch (request.method()) {
            case "GET", "HEAD" -> await(request, response);
            case "POST" -> post(request, response);
            default -> {
                response.status(405);
                response.setHeader("Allow", "GET, HEAD, POST");
            }
        }
    }

    private void post(HttpRequest request, HttpResponse response) throws Exception {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        try (InputStream body = request.body()) {
            byte[] chunk = new byte[8192];
            for (int n; (n = body.read(chunk)) >= 0; ) {
                if (message.size() + n > MAX_MESSAGE_BYTES) {
                    response.status(413);
                    return;
                }
                message.write(chunk, 0, n);
            }
        }
        String text = message.toString(StandardCharsets.UTF_8);
        int reached = 0;
        for (CompletableFuture<String> next : waiting) {
            if (waiting.remove(next) && next.complete(text)) {
                reached++;
            }
        }
        text(response, 200, "delivered to " + reached + "\n");
    }

    private void await(HttpRequest request, HttpResponse response) throws Exception {
        int seconds = waitSeconds(request.query());
        if (seconds < 0) {
            text(response, 400, "wait must be a whole number of seconds from 0 to " + MAX_WAIT_SECONDS + "\n");
            return;
        }
        CompletableFuture<String> next = new CompletableFuture<>();
        waiting.add(next);
        if (onVirtualThread()) {
            String message;
            try {
                message = next.get(seconds, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                message = null;
            } finally {
                waiting.remove(next);
            }
            answer(response, message);
            return;
        }
        // the server's own timeout only backs the demo's up: it answers 204 itself
        AsyncResponse async = response.startAsync(Duration.ofSeconds(seconds + 10L));
        ScheduledFuture<?> expiry = timer.schedule(() -> next.complete(null), seconds, TimeUnit.SECONDS);
        async.onEnd(ending -> {
            // the client left, or the server gave up: nobody to tell
            waiting.remove(next);
            expiry.cancel(false);
        });
        next.whenComplete((message, failure) -> {
            waiting.remove(next);
            expiry.cancel(false);
            try {
                if (failure != null) {
                    text(response, 503, "the application stopped\n");
                } else {
                    answer(response, message);
                }
                async.complete();
            } catch (Exception e) {
                async.fail(e);
            }
        });
    }

    private static void answer(HttpResponse response, String message) throws Exception {
        if (message == null) {
            response.status(204);
        } else {
            text(response, 200, message);
        }
    }

    private static void text(HttpResponse response, int status, String text) throws Exception {
        response.status(status);
        response.setHeader("Content-Type", "text/plain; charset=utf-8");
        response.body().write(text.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code wait=N} from the query, or the default; -1 when it is not a number in range. */
    static int waitSeconds(String query) {
        for (String pair : query.split("&")) {
            if (pair.startsWith("wait=")) {
                try {
                    int seconds = Integer.parseInt(pair.substring(5));
                    return seconds >= 0 && seconds <= MAX_WAIT_SECONDS ? seconds : -1;
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return DEFAULT_WAIT_SECONDS;
    }

    private static boolean onVirtualThread() {
        try {
            return IS_VIRTUAL != null && (boolean) IS_VIRTUAL.invokeExact(Thread.currentThread());
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static MethodHandle isVirtual() {
        try {
            return MethodHandles.publicLookup().findVirtual(Thread.class, "isVirtual", MethodType.methodType(boolean.class));
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }
}

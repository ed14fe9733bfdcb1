package dev.usher.status;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import dev.usher.api.HttpApplication;
import dev.usher.api.HttpRequest;
import dev.usher.api.HttpResponse;
import dev.usher.config.AllowedPeers;
import dev.usher.dispatcher.monitor.ServerMonitor;

/**
 * The status, below its mount: the page ({@code /}), which loads {@code json} every two seconds
 * and redraws itself; {@code json}; {@code metrics}, in Prometheus's text format; and
 * {@code health}, for load balancers' checks. A client not in {@code allow_ips} gets the 404 of a
 * path where nothing is mounted.
 *
 * <p>Blocking (not {@code @Nonblocking}): a snapshot asks every I/O loop for its connections and
 * waits for their answers, which a loop's own thread must not do.
 */
final class StatusApplication implements HttpApplication {

    private static final String PAGE_RESOURCE = "status.html";
    /** Replaced in the page by the mount, so that the page finds its JSON wherever it is mounted. */
    private static final String BASE_MARK = "{{base}}";

    private final ServerMonitor monitor;
    private final AllowedPeers allowed;
    private final String page;

    StatusApplication(ServerMonitor monitor, AllowedPeers allowed) {
        this.monitor = monitor;
        this.allowed = allowed;
        this.page = resource(PAGE_RESOURCE);
    }

    @Override
    public void handle(HttpRequest request, HttpResponse response) throws IOException {
        if (!allowed.allows(request.remoteAddress())) {
            send(response, 404, "text/plain; charset=utf-8", "Not Found\r\n\r\nNo application is mounted at this path\r\n");
            return;
        }
        String path = request.pathInfo();
        boolean known = switch (path) {
            case "", "/", "/json", "/metrics", "/health" -> true;
            default -> false;
        };
        if (!known) {
            send(response, 404, "text/plain; charset=utf-8", "Not Found\r\n\r\nThe status has /, json, metrics and health\r\n");
            return;
        }
        if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
            response.setHeader("Allow", "GET, HEAD");
            send(response, 405, "text/plain; charset=utf-8", "Method Not Allowed\r\n");
            return;
        }
        response.setHeader("Cache-Control", "no-store");
        switch (path) {
            case "/json" -> send(response, 200, "application/json", StatusJson.of(monitor.servers(), Instant.now()));
            case "/metrics" -> send(response, 200, PrometheusText.CONTENT_TYPE, PrometheusText.of(monitor.servers()));
            case "/health" -> health(response);
            default -> send(response, 200, "text/html; charset=utf-8",
                    page.replace(BASE_MARK, html(request.scriptName())));
        }
    }

    /**
     * 200 while a server runs, which it does if it answers at all, with the servers' names. A
     * balancer asks every few seconds: no snapshot, which would wake every I/O loop.
     */
    private void health(HttpResponse response) throws IOException {
        JsonWriter json = new JsonWriter().beginObject().name("status").value("serving").name("servers").beginArray();
        for (String server : monitor.serverNames()) {
            json.value(server);
        }
        send(response, 200, "application/json", json.endArray().endObject().text());
    }

    private static void send(HttpResponse response, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        response.status(status);
        response.setHeader("Content-Type", type);
        response.contentLength(bytes.length);
        response.body().write(bytes);
    }

    /** Text for an HTML attribute or element: the five characters that could end one escaped. */
    static String html(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&#39;");
    }

    private static String resource(String name) {
        try (InputStream in = StatusApplication.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the bundle lacks its " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

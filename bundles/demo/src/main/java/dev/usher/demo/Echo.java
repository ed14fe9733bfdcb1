package dev.usher.demo;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import org.osgi.service.component.annotations.Component;

import dev.usher.api.HeaderFields;
import dev.usher.api.HttpApplication;
import dev.usher.api.HttpRequest;
import dev.usher.api.HttpResponse;
import dev.usher.api.Mount;

/**
 * Describes the request it got as JSON: {@code method}, {@code script_name}, {@code path},
 * {@code query}, {@code headers} (lower-case names, repeats joined with {@code ", "}),
 * {@code body_length} and {@code body_sha256}. Query knobs: {@code status=N} answers with N
 * (no body for 204 and 304); {@code raise=1} throws after reading the body; {@code stream=N}
 * sends the JSON in N flushed writes with no declared length.
 */
@Component
@Mount("/echo")
public final class Echo implements HttpApplication {

    @Override
    public void handle(HttpRequest request, HttpResponse response) throws Exception {
        Map<String, String> query = parseQuery(request.query());
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        long length = 0;
        byte[] chunk = new byte[8192];
        try (InputStream body = request.body()) {
            for (int n; (n = body.read(chunk)) > 0; ) {
                sha256.update(chunk, 0, n);
                length += n;
            }
        }
        if ("1".equals(query.get("raise"))) {
            throw new IllegalStateException("raise=1 asked the echo application to fail");
        }
        int status = query.containsKey("status") ? Integer.parseInt(query.get("status")) : 200;
        response.status(status);
        if (status == 204 || status == 304) {
            return;
        }
        byte[] json = new Json()
                .field("method", request.method())
                .field("script_name", request.scriptName())
                .field("path", request.pathInfo())
                .field("query", request.query())
                .field("headers", headers(request.headers()))
                .field("body_length", length)
                .field("body_sha256", HexFormat.of().formatHex(sha256.digest()))
                .end()
                .getBytes(StandardCharsets.UTF_8);
        response.setHeader("Content-Type", "application/json");
        int writes = query.containsKey("stream") ? Math.max(1, Integer.parseInt(query.get("stream"))) : 0;
        OutputStream out = response.body();
        if (writes == 0) {
            response.contentLength(json.length);
            out.write(json);
            return;
        }
        int at = 0;
        for (int i = 0; i < writes; i++) {
            int end = (int) ((long) json.length * (i + 1) / writes);
            out.write(json, at, end - at);
            out.flush();
            at = end;
        }
    }

    private static Map<String, String> headers(HeaderFields fields) {
        Map<String, String> joined = new LinkedHashMap<>();
        for (int i = 0; i < fields.size(); i++) {
            joined.merge(fields.name(i), fields.value(i), (a, b) -> a + ", " + b);
        }
        return joined;
    }

    private static Map<String, String> parseQuery(String query) {
        Map<String, String> values = new LinkedHashMap<>();
        if (query.isEmpty()) {
            return values;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            values.putIfAbsent(eq < 0 ? pair : pair.substring(0, eq), eq < 0 ? "" : pair.substring(eq + 1));
        }
        return values;
    }
}

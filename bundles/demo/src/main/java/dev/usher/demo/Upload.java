package dev.usher.demo;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

import org.osgi.service.component.annotations.Component;

import dev.usher.api.HttpApplication;
import dev.usher.api.HttpRequest;
import dev.usher.api.HttpResponse;
import dev.usher.api.Mount;
import dev.usher.api.Streaming;

/**
 * Reads an upload as it arrives, however large, and answers with its length and SHA-256 as
 * JSON: {@code {"body_length":N,"body_sha256":"..."}}.
 */
@Component
@Mount("/upload")
@Streaming
public final class Upload implements HttpApplication {

    @Override
    public void handle(HttpRequest request, HttpResponse response) throws Exception {
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        long length = 0;
        byte[] chunk = new byte[64 * 1024];
        try (InputStream body = request.body()) {
            for (int n; (n = body.read(chunk)) > 0; ) {
                sha256.update(chunk, 0, n);
                length += n;
            }
        }
        byte[] json = new Json()
                .field("body_length", length)
                .field("body_sha256", HexFormat.of().formatHex(sha256.digest()))
                .end()
                .getBytes(StandardCharsets.UTF_8);
        response.setHeader("Content-Type", "application/json");
        response.contentLength(json.length);
        response.body().write(json);
    }
}

package dev.usher.demo;

import java.nio.charset.StandardCharsets;

import org.osgi.service.component.annotations.Component;

import dev.usher.api.HttpApplication;
import dev.usher.api.HttpRequest;
import dev.usher.api.HttpResponse;
import dev.usher.api.Mount;
import dev.usher.api.Nonblocking;

/** Answers every request that reaches it with {@code Hello, World!}; it never blocks. */
@Component
@Mount("/")
@Nonblocking
public final class Hello implements HttpApplication {

    private static final byte[] BODY = "Hello, World!".getBytes(StandardCharsets.US_ASCII);

    @Override
    public void handle(HttpRequest request, HttpResponse response) throws Exception {
        answer(response);
    }

    /** Writes the answer: also {@link BlockingHello}'s, byte for byte. */
    static void answer(HttpResponse response) throws java.io.IOException {
        response.setHeader("Content-Type", "text/plain");
        response.contentLength(BODY.length);
        response.body().write(BODY);
    }
}

package dev.usher.itests.tiny;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import dev.usher.api.HttpApplication;
import dev.usher.api.HttpRequest;
import dev.usher.api.HttpResponse;

/**
 * The application inside the bundles {@link dev.usher.itests.TinyBundleFactory} builds on the
 * fly: a Declarative Services component (described by XML in the bundle, no annotations, no
 * activator) that answers {@code 200} with the text of its {@code tiny.answer} component
 * property, which differs between the versions of the bundle. It uses nothing but
 * {@code dev.usher.api}.
 */
public final class TinyApplication implements HttpApplication {

    /** The component property holding the answer. */
    public static final String ANSWER = "tiny.answer";

    private volatile String answer = "unset";

    /** Called by SCR with the component properties. */
    public void activate(Map<String, Object> properties) {
        answer = String.valueOf(properties.get(ANSWER));
    }

    @Override
    public void handle(HttpRequest request, HttpResponse response) throws Exception {
        byte[] body = answer.getBytes(StandardCharsets.UTF_8);
        response.setHeader("Content-Type", "text/plain");
        response.contentLength(body.length);
        response.body().write(body);
    }
}

package dev.usher.dispatcher;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

import dev.usher.api.HttpApplication;
import dev.usher.config.Adjustments;

/**
 * A bench harness, not a test: one server outside OSGi answering {@code Hello, World!} on
 * 127.0.0.1, to measure the hand-off to application threads against running on the I/O loop
 * (see bench/README.md). Arguments: a port, {@code inline} or {@code pooled}, then settings as
 * name value pairs.
 */
public final class LoopbackHello {

    private LoopbackHello() {
    }

    public static void main(String[] args) throws Exception {
        byte[] body = "Hello, World!".getBytes(StandardCharsets.US_ASCII);
        HttpApplication hello = (request, response) -> {
            response.setHeader("Content-Type", "text/plain");
            response.contentLength(body.length);
            response.body().write(body);
        };
        boolean inline = args[1].equals("inline");
        Mounts mounts = new Mounts(List.of(new MountPoint("", hello, 0, 1, Set.of(), inline, false)));
        Map<String, Object> settings = new HashMap<>(Map.of("listen", "127.0.0.1:" + args[0]));
        for (int i = 2; i + 1 < args.length; i += 2) {
            settings.put(args[i], args[i + 1]);
        }
        RecordingLogger log = new RecordingLogger();
        Server server = new Server("bench", Adjustments.parse(settings), () -> mounts, log.logger, log.logger);
        server.start();
        System.out.println("Serving on " + server.addresses() + " " + (inline ? "inline" : "pooled") + " " + settings);
        new CountDownLatch(1).await();
    }
}

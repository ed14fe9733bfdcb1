package dev.usher.soak;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;
import java.util.function.Function;

/**
 * An ordinary request a normal client sends, with what its response must be: status 200 and
 * the body the demo applications answer (README, "The demo's echo contract").
 */
public record NormalRequest(String name, byte[] bytes, Function<Response, String> check) {

    private static final String HELLO = "Hello, World!";

    /** What is wrong with {@code response}, or null. */
    public String problem(Response response) {
        if (response.status() != 200) {
            return "status " + response.status() + " " + Response.abbreviate(response.text());
        }
        return check.apply(response);
    }

    /** {@code GET /}: {@code Hello, World!}. */
    public static NormalRequest hello(Target target, boolean close) {
        return new NormalRequest("GET /", head("GET", "/", target, close, -1),
                r -> HELLO.equals(r.text()) ? null : "body " + Response.abbreviate(r.text()));
    }

    /** {@code GET /echo?x=1}: the echo's JSON for a GET with that query and no body. */
    public static NormalRequest echoGet(Target target) {
        return new NormalRequest("GET /echo?x=1", head("GET", "/echo?x=1", target, false, -1),
                r -> json(r, "\"method\":\"GET\"", "\"query\":\"x=1\"", "\"body_length\":0,"));
    }

    /** {@code POST /echo} with {@code body}: its length and SHA-256 echoed. */
    public static NormalRequest echoPost(Target target, byte[] body) {
        return withBody("POST /echo", "/echo", target, body);
    }

    /** {@code POST /upload} with {@code body} (the streaming application): its length and SHA-256. */
    public static NormalRequest upload(Target target, byte[] body) {
        return withBody("POST /upload", "/upload", target, body);
    }

    private static NormalRequest withBody(String name, String path, Target target, byte[] body) {
        byte[] head = head("POST", path, target, false, body.length);
        byte[] bytes = new byte[head.length + body.length];
        System.arraycopy(head, 0, bytes, 0, head.length);
        System.arraycopy(body, 0, bytes, head.length, body.length);
        String length = "\"body_length\":" + body.length + ",";
        String sha = "\"body_sha256\":\"" + sha256(body) + "\"";
        return new NormalRequest(name + " (" + body.length + " bytes)", bytes, r -> json(r, length, sha));
    }

    private static String json(Response response, String... fragments) {
        String type = response.header("content-type");
        if (!"application/json".equals(type)) {
            return "content-type " + type;
        }
        String text = response.text();
        for (String fragment : fragments) {
            if (!text.contains(fragment)) {
                return "no " + fragment + " in " + Response.abbreviate(text);
            }
        }
        return null;
    }

    static byte[] head(String method, String path, Target target, boolean close, long contentLength) {
        return (method + " " + path + " HTTP/1.1\r\nHost: " + target.authority() + "\r\nUser-Agent: usher-soak\r\n"
                + (contentLength >= 0 ? "Content-Length: " + contentLength + "\r\n" : "")
                + (close ? "Connection: close\r\n" : "") + "\r\n").getBytes(ISO_8859_1);
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] randomBytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    /**
     * The steady mix a keep-alive client sends: {@code GET /}, {@code GET /echo?x=1} and
     * {@code POST /echo} with up to 4 KiB in turn, and every 50th request a 1 MiB
     * {@code POST /upload}.
     */
    public static final class Mix {
        private final Target target;
        private final Random random;
        private final NormalRequest upload;
        private long sent;

        public Mix(Target target, long seed) {
            this.target = target;
            this.random = new Random(seed);
            // one payload per client, digested once: a fresh MiB per upload would only cost CPU
            this.upload = upload(target, randomBytes(random, 1024 * 1024));
        }

        public NormalRequest next() {
            sent++;
            if (sent % 50 == 0) {
                return upload;
            }
            return switch ((int) (sent % 3)) {
                case 0 -> hello(target, false);
                case 1 -> echoGet(target);
                default -> echoPost(target, randomBytes(random, 1 + random.nextInt(4096)));
            };
        }
    }
}

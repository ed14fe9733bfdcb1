package dev.usher.soak;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * The abusive clients of the soak, one {@link AbuseKind} each, against default settings
 * ({@code channel_timeout} 120 s checked every 30 s, heads up to 262144 bytes, bodies up to 1 GiB).
 * The ones that hold a connection give up after {@link #HOLD_CAP}: a server that lets them hold
 * it that long has no bound on them, which the outcome {@code held} reports.
 */
public final class Abuses {

    /** channel_timeout (120 s) + cleanup_interval (30 s) + 30 s of slack. */
    static final Duration HOLD_CAP = Duration.ofSeconds(180);
    /** How long to wait for the server to end the connection after an answer that ends it. */
    private static final int END_WAIT_MILLIS = 5_000;
    /** Well below the 431 limit (262144): a head of this size is served. */
    private static final int LARGE_HEAD = 200_000;

    private Abuses() {
    }

    /** Every kind, in report order. */
    public static List<AbuseKind> all() {
        // each alternating kind takes turns of its own: the buffered echo and the streaming upload
        AtomicInteger malformed = new AtomicInteger();
        AtomicInteger resetRequest = new AtomicInteger();
        AtomicInteger resetResponse = new AtomicInteger();
        AtomicInteger halfway = new AtomicInteger();
        Duration quick = Duration.ofMillis(500);
        Duration holder = Duration.ofMillis(200);
        return List.of(
                new AbuseKind("slow-head", is("408+closed"), "408+closed after ~channel_timeout", holder,
                        Abuses::slowHead),
                new AbuseKind("slow-body", is("408+closed"), "408+closed after ~channel_timeout", holder,
                        Abuses::slowBody),
                new AbuseKind("silent", is("closed"), "closed after ~channel_timeout", holder, Abuses::silent),
                new AbuseKind("idle-keep-alive", is("200+closed"), "200, closed after ~channel_timeout", holder,
                        Abuses::idleKeepAlive),
                new AbuseKind("reset-mid-request", is("reset-sent"), "(nothing to see client-side)", quick,
                        (t, l) -> resetMidRequest(t, l, resetRequest.getAndIncrement() % 2 == 0 ? "/echo" : "/upload")),
                new AbuseKind("reset-mid-response", is("reset-sent"), "(nothing to see client-side)", quick,
                        (t, l) -> resetMidResponse(t, l, resetResponse.getAndIncrement() % 2 == 0)),
                new AbuseKind("never-reads", is("unread+closed"), "(nothing to see client-side)", quick,
                        Abuses::neverReads),
                new AbuseKind("oversized-head", is("431+closed"), "431+closed", quick, Abuses::oversizedHead),
                new AbuseKind("oversized-body", is("413+closed"), "413+closed", quick, Abuses::oversizedBody),
                new AbuseKind("malformed", o -> o.matches(".*: 4\\d\\d\\+closed"), "4xx+closed", quick,
                        (t, l) -> malformed(t, l, malformed.getAndIncrement())),
                new AbuseKind("pipelined-flood", is("300x200"), "300x200", Duration.ofSeconds(2),
                        Abuses::pipelinedFlood),
                new AbuseKind("half-close", is("200+closed"), "200+closed", quick, Abuses::halfClose),
                new AbuseKind("upload-stops-halfway", is("sent-half"), "(nothing to see client-side)", quick,
                        (t, l) -> uploadStopsHalfway(t, l, halfway.getAndIncrement() % 2 == 0 ? "/echo" : "/upload")));
    }

    private static Predicate<String> is(String outcome) {
        return outcome::equals;
    }

    /** {@code GET / HTTP/1.1}, {@code Host}, then one more header line every 3 s. */
    static String slowHead(Target target, Lifetime lifetime) throws IOException {
        try (ClientConnection c = open(target, lifetime)) {
            c.send(ascii("GET /slow-head HTTP/1.1\r\nHost: " + target.authority() + "\r\n"));
            return trickle(c, lifetime, Duration.ofSeconds(3), ascii("X-a: b\r\n"));
        }
    }

    /** {@code POST /echo} declaring 100000 bytes, then 5 bytes a second. */
    static String slowBody(Target target, Lifetime lifetime) throws IOException {
        try (ClientConnection c = open(target, lifetime)) {
            c.send(ascii("POST /echo HTTP/1.1\r\nHost: " + target.authority() + "\r\nContent-Length: 100000\r\n\r\n"));
            return trickle(c, lifetime, Duration.ofSeconds(1), ascii("abcde"));
        }
    }

    /** Connects and sends nothing. */
    static String silent(Target target, Lifetime lifetime) throws IOException {
        try (ClientConnection c = open(target, lifetime)) {
            return trickle(c, lifetime, HOLD_CAP, null);
        }
    }

    /** One complete {@code GET /}, then nothing on the kept-alive connection. */
    static String idleKeepAlive(Target target, Lifetime lifetime) throws IOException {
        try (ClientConnection c = open(target, lifetime)) {
            c.send(NormalRequest.head("GET", "/", target, false, -1));
            String answer = answer(c);
            return answer.equals("200") ? answer + "+" + trickle(c, lifetime, HOLD_CAP, null) : answer;
        }
    }

    /** A 1 MiB body declared, 256 KiB sent, then a reset (SO_LINGER 0). */
    static String resetMidRequest(Target target, Lifetime lifetime, String path) throws IOException {
        ClientConnection c = open(target, lifetime);
        try {
            c.send(NormalRequest.head("POST", path, target, false, 1024 * 1024));
            c.send(NormalRequest.randomBytes(ThreadLocalRandom.current(), 256 * 1024));
            return "reset-sent";
        } finally {
            c.reset();
        }
    }

    /** A request for a ~200 KB response (the echo of a large head), 4 KiB of it read, then a reset. */
    static String resetMidResponse(Target target, Lifetime lifetime, boolean streamed) throws IOException {
        ClientConnection c = open(target, lifetime);
        try {
            c.send(largeHeadRequest(target, streamed ? "/echo?stream=16" : "/echo"));
            byte[] some = c.in().readNBytes(4096);
            return some.length == 4096 ? "reset-sent" : "short response: " + some.length + " bytes";
        } catch (SocketTimeoutException e) {
            return "timeout";
        } finally {
            c.reset();
        }
    }

    /**
     * Thirty pipelined requests for ~200 KB responses each (as many as the socket takes without
     * blocking), none of the responses read; held 10 s, then closed with the responses unread.
     */
    static String neverReads(Target target, Lifetime lifetime) throws IOException {
        SocketChannel channel = lifetime.track(SocketChannel.open());
        try (channel) {
            channel.connect(new InetSocketAddress(target.host(), target.port()));
            channel.configureBlocking(false);
            byte[] one = largeHeadRequest(target, "/echo?never-reads");
            ByteBuffer requests = ByteBuffer.allocate(one.length * 30);
            for (int i = 0; i < 30; i++) {
                requests.put(one);
            }
            requests.flip();
            for (int i = 0; i < 10 && lifetime.pause(Duration.ofSeconds(1)); i++) {
                channel.write(requests); // what fits now; the server reads ahead only as it answers
            }
            return "unread+closed";
        } finally {
            lifetime.untrack(channel);
        }
    }

    /** A head of 300000 bytes: over max_request_header_size. */
    static String oversizedHead(Target target, Lifetime lifetime) throws IOException {
        try (ClientConnection c = open(target, lifetime)) {
            try {
                c.send(ascii("GET / HTTP/1.1\r\nHost: " + target.authority() + "\r\n" + padding(300_000) + "\r\n"));
            } catch (IOException e) {
                // the server may stop reading and close once it has seen enough: read what it said
            }
            return answerThenEnd(c);
        }
    }

    /** A body declared over max_request_body_size (1 GiB), none sent. */
    static String oversizedBody(Target target, Lifetime lifetime) throws IOException {
        try (ClientConnection c = open(target, lifetime)) {
            c.send(NormalRequest.head("POST", "/echo", target, false, 2L * 1024 * 1024 * 1024));
            return answerThenEnd(c);
        }
    }

    /** Malformed requests, a different one each time. */
    static String malformed(Target target, Lifetime lifetime, int which) throws IOException {
        String host = "Host: " + target.authority() + "\r\n";
        String[][] variants = {
            {"garbage", "\u0000\u0001\u00ff GARBAGE \u0002\r\n\r\n"},
            {"bare-lf", "GET / HTTP/1.1\nHost: a\n\n"},
            {"bad-chunk-size", "POST /echo HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n"},
            {"chunk-without-crlf", "POST /echo HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n"},
            {"length-and-chunked", "POST /echo HTTP/1.1\r\n" + host + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"},
            {"space-before-colon", "GET / HTTP/1.1\r\nHost : a\r\n\r\n"},
            {"bad-length", "POST /echo HTTP/1.1\r\n" + host + "Content-Length: 12abc\r\n\r\n"},
            {"two-lengths", "POST /echo HTTP/1.1\r\n" + host + "Content-Length: 1\r\nContent-Length: 2\r\n\r\nab"},
            {"no-host", "GET / HTTP/1.1\r\nX-a: b\r\n\r\n"},
            {"bad-target", "GET no-slash HTTP/1.1\r\n" + host + "\r\n"},
        };
        String[] variant = variants[Math.floorMod(which, variants.length)];
        try (ClientConnection c = open(target, lifetime)) {
            c.send(variant[1].getBytes(ISO_8859_1));
            return variant[0] + ": " + answerThenEnd(c);
        }
    }

    /** 300 pipelined {@code GET /} in one write, then all 300 responses read. */
    static String pipelinedFlood(Target target, Lifetime lifetime) throws IOException {
        StringBuilder requests = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            requests.append("GET /?flood=").append(i).append(" HTTP/1.1\r\nHost: ").append(target.authority())
                    .append("\r\n\r\n");
        }
        try (ClientConnection c = open(target, lifetime)) {
            c.send(ascii(requests.toString()));
            for (int i = 0; i < 300; i++) {
                String answer = answer(c);
                if (!answer.equals("200")) {
                    return "response " + (i + 1) + " of 300: " + answer;
                }
            }
            return "300x200";
        }
    }

    /** A complete request, then shutdownOutput (half-close), then the response read. */
    static String halfClose(Target target, Lifetime lifetime) throws IOException {
        try (ClientConnection c = open(target, lifetime)) {
            c.send(NormalRequest.head("GET", "/echo?half-close", target, false, -1));
            c.socket().shutdownOutput();
            return answerThenEnd(c);
        }
    }

    /** A 2 MiB body declared, 1 MiB sent, then an orderly close. */
    static String uploadStopsHalfway(Target target, Lifetime lifetime, String path) throws IOException {
        try (ClientConnection c = open(target, lifetime)) {
            c.send(NormalRequest.head("POST", path, target, false, 2 * 1024 * 1024));
            c.send(NormalRequest.randomBytes(ThreadLocalRandom.current(), 1024 * 1024));
            return "sent-half";
        }
    }

    // ---- helpers

    private static ClientConnection open(Target target, Lifetime lifetime) throws IOException {
        return ClientConnection.open(target, 10_000, lifetime);
    }

    /**
     * Sends {@code next} every {@code every} until the server answers or closes (the read timeout
     * paces the trickle); {@code next} null: sends nothing, only waits.
     */
    private static String trickle(ClientConnection c, Lifetime lifetime, Duration every, byte[] next)
            throws IOException {
        long deadline = System.nanoTime() + HOLD_CAP.toNanos();
        c.socket().setSoTimeout((int) Math.min(every.toMillis(), HOLD_CAP.toMillis()));
        while (lifetime.running() && System.nanoTime() - deadline < 0) {
            try {
                return answerThenEnd(c);
            } catch (SocketTimeoutException e) {
                if (next != null) {
                    try {
                        c.send(next);
                    } catch (IOException sendFailed) {
                        // the server gave up on it: its answer, if any, tells more
                    }
                }
            }
        }
        return "held";
    }

    /** The status of the response read, or what happened instead. */
    private static String answer(ClientConnection c) throws SocketTimeoutException {
        try {
            return Integer.toString(c.read(false).status());
        } catch (Response.NoResponseException e) {
            return e.retryable ? "closed" : "reset";
        } catch (SocketTimeoutException e) {
            throw e;
        } catch (IOException e) {
            return "broken response (" + e.getMessage() + ")";
        }
    }

    /** {@link #answer} and then whether the server ended the connection: {@code 431+closed}. */
    private static String answerThenEnd(ClientConnection c) throws IOException {
        String answer = answer(c);
        if (!Character.isDigit(answer.charAt(0))) {
            return answer;
        }
        c.socket().setSoTimeout(END_WAIT_MILLIS);
        try {
            return answer + (c.in().read() < 0 ? "+closed" : "+more");
        } catch (SocketTimeoutException e) {
            return answer + "+open";
        } catch (SocketException e) {
            return answer + "+reset";
        }
    }

    private static byte[] largeHeadRequest(Target target, String path) {
        return ascii("GET " + path + " HTTP/1.1\r\nHost: " + target.authority() + "\r\n" + padding(LARGE_HEAD) + "\r\n");
    }

    /** Header lines of about {@code bytes} in all. */
    private static String padding(int bytes) {
        StringBuilder lines = new StringBuilder(bytes + 1024);
        String value = "p".repeat(1000);
        for (int i = 0; lines.length() < bytes; i++) {
            lines.append("X-Pad-").append(i).append(": ").append(value).append("\r\n");
        }
        return lines.toString();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(ISO_8859_1);
    }
}

package dev.usher.soak;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A normal user during the attack: {@code curl --max-time 3 http://HOST:PORT/} again and again,
 * one after another, a new connection each time; {@code GET /} must answer 200
 * {@code Hello, World!} within the timeout, connect included.
 */
public final class CurlProbe {

    /**
     * What the probe saw.
     *
     * @param planned requests it was to make
     * @param attempted requests made before the time budget ran out
     * @param latencies every attempted request's time, a failed one's included (a timeout: about
     *     the timeout), which is what a user waits
     */
    public record Result(int planned, int attempted, int answered, Map<String, Integer> failures,
            LatencyHistogram latencies, List<String> firstFailures, Duration took) {

        public int failed() {
            return planned - answered;
        }
    }

    private CurlProbe() {
    }

    /**
     * Makes {@code requests} requests, or as many as {@code budget} allows (requests not made
     * count as failures: the goal is about all of them).
     */
    public static Result run(Target target, int requests, Duration timeout, Duration budget) {
        long start = System.nanoTime();
        long end = start + budget.toNanos();
        Map<String, Integer> failures = new TreeMap<>();
        List<String> firstFailures = new ArrayList<>();
        LatencyHistogram latencies = new LatencyHistogram();
        int attempted = 0;
        int answered = 0;
        byte[] request = ("GET / HTTP/1.1\r\nHost: " + target.authority()
                + "\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n").getBytes(ISO_8859_1);
        for (; attempted < requests && System.nanoTime() - end < 0; attempted++) {
            long begin = System.nanoTime();
            String failure = once(target, request, timeout, begin);
            latencies.record(System.nanoTime() - begin);
            if (failure == null) {
                answered++;
            } else {
                failures.merge(failure.replaceAll(":.*", ""), 1, Integer::sum);
                if (firstFailures.size() < 10) {
                    firstFailures.add("request " + (attempted + 1) + ": " + failure);
                }
            }
        }
        if (attempted < requests) {
            failures.put("not attempted (time budget " + budget + " spent)", requests - attempted);
        }
        return new Result(requests, attempted, answered, failures, latencies, firstFailures,
                Duration.ofNanos(System.nanoTime() - start));
    }

    /** One request; null when answered as expected, else what went wrong (kind: detail). */
    private static String once(Target target, byte[] request, Duration timeout, long begin) {
        long deadline = begin + timeout.toNanos();
        try (Socket socket = new Socket()) {
            socket.setTcpNoDelay(true);
            try {
                socket.connect(new InetSocketAddress(target.host(), target.port()), millisLeft(deadline));
            } catch (SocketTimeoutException e) {
                return "connect timeout";
            } catch (ConnectException e) {
                return "connect refused: " + e.getMessage();
            }
            socket.setSoTimeout(millisLeft(deadline));
            socket.getOutputStream().write(request);
            Response response = Response.read(new BufferedInputStream(socket.getInputStream()), false);
            if (System.nanoTime() - deadline > 0) {
                return "timeout: answered after " + timeout;
            }
            if (response.status() != 200) {
                return "status " + response.status();
            }
            if (!"Hello, World!".equals(response.text())) {
                return "wrong body: " + Response.abbreviate(response.text());
            }
            return null;
        } catch (SocketTimeoutException e) {
            return "timeout: no response within " + timeout;
        } catch (Response.NoResponseException e) {
            return (e.retryable ? "closed without a response" : "reset without a response") + ": " + e.getMessage();
        } catch (SocketException e) {
            return "socket error: " + e.getMessage();
        } catch (IOException e) {
            return "bad response: " + e.getMessage();
        }
    }

    /** At least 1 ms: 0 would mean no timeout at all. */
    private static int millisLeft(long deadline) {
        return (int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
    }
}

package dev.usher.dispatcher;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.osgi.service.log.Logger;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.usher.api.HttpApplication;
import dev.usher.config.Adjustments;
import dev.usher.http1.InvalidRequestException;
import dev.usher.http1.ParserLimits;
import dev.usher.http1.RequestHead;
import dev.usher.http1.RequestParser;

/**
 * Coverage-guided fuzzing of a whole server, in process, over loopback: the fuzzer's bytes are
 * one connection's input, sent in slices the input itself chooses, to one of three servers that
 * read it 1, 7 or 8192 bytes at a time. Then the client half-closes and reads every response
 * until the server closes. Each run checks that:
 * <ul>
 * <li>no exception reaches an I/O loop or a task (nothing is logged but what the applications
 * provoke on purpose);
 * <li>what a {@link RequestParser} of the same limits refuses is never answered with a 2xx, and
 * no request after it is answered;
 * <li>the server closes the connection, and then holds no pooled buffer, no temporary file and
 * no connection.
 * </ul>
 *
 * <p>Without {@code JAZZER_FUZZ} (plain {@code mvn verify}) this runs in regression mode over the
 * seeds in {@code src/test/resources/dev/usher/dispatcher/ServerFuzzTestInputs/serve/}. With
 * {@code JAZZER_FUZZ=1} it fuzzes; see bench/README.md for the command.
 */
class ServerFuzzTest {

    /** Small limits, so that short inputs reach them: a head of 1024 bytes, a body of 4096. */
    private static final ParserLimits LIMITS = new ParserLimits(1024, 4096);
    private static final int[] RECV_BYTES = {1, 7, 8192};

    private static Path temporary;
    private static String previousTemporary;
    private static final List<String> problems = new CopyOnWriteArrayList<>();
    private static final List<Server> servers = new ArrayList<>();

    /** Echoes what it read; {@code /fail} fails after reading, {@code /flush} streams its answer. */
    private static final HttpApplication ECHO = (request, response) -> {
        byte[] body = request.body().readAllBytes();
        switch (request.pathInfo()) {
            case "/fail" -> throw new IllegalStateException("fails on purpose");
            case "/flush" -> {
                response.body().write(body);
                response.body().flush();
                response.body().write("!".getBytes(StandardCharsets.US_ASCII));
            }
            case "/large" -> {
                // past outbuf_overflow: spilled to a file if the client is slow to read
                byte[] block = new byte[8192];
                for (int i = 0; i < 8; i++) {
                    response.body().write(block);
                }
            }
            default -> response.body().write(("read " + body.length).getBytes(StandardCharsets.US_ASCII));
        }
    };

    private static final HttpApplication HELLO = (request, response) ->
            response.body().write("Hello".getBytes(StandardCharsets.US_ASCII));

    @BeforeAll
    static void startServers() throws Exception {
        temporary = Files.createTempDirectory("usher-fuzz");
        previousTemporary = System.getProperty("java.io.tmpdir");
        // request bodies and spilled responses go here, where each run looks for leftovers
        System.setProperty("java.io.tmpdir", temporary.toString());
        Mounts mounts = new Mounts(List.of(
                new MountPoint("", HELLO, 0, 1, Set.of(), true, false),
                new MountPoint("/echo", ECHO, 0, 2, Set.of(), false, false),
                new MountPoint("/stream", ECHO, 0, 3, Set.of(), false, true)));
        Logger logger = problemLogger();
        for (int recvBytes : RECV_BYTES) {
            Server server = new Server("fuzz" + recvBytes, Adjustments.parse(Map.of("listen", "127.0.0.1:0",
                    "workers", "2", "threads", "2", "recv_bytes", Integer.toString(recvBytes),
                    "max_request_header_size", Integer.toString(LIMITS.maxHeaderSize()),
                    "max_request_body_size", Long.toString(LIMITS.maxBodySize()), "inbuf_overflow", "100",
                    "outbuf_overflow", "1000", "channel_request_lookahead", "2")), () -> mounts, logger, logger);
            server.start();
            servers.add(server);
        }
    }

    @AfterAll
    static void stopServers() throws IOException {
        servers.forEach(Server::stop);
        servers.clear();

        System.setProperty("java.io.tmpdir", previousTemporary);
        try (Stream<Path> files = Files.walk(temporary)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    @FuzzTest(maxDuration = "1m")
    void serve(byte[] data) throws Exception {
        // the fuzzer's SSRF detector would take the client's own connections to the servers for an attack
        try (SilentCloseable loopback = BugDetectors.allowNetworkConnections(
                (host, port) -> host.equals("127.0.0.1") || host.equals("localhost"))) {
            serveOnce(data);
        }
    }

    private void serveOnce(byte[] data) throws Exception {
        if (data.length == 0) {
            return;
        }
        Server server = servers.get(Byte.toUnsignedInt(data[0]) % servers.size());
        byte[] input = java.util.Arrays.copyOfRange(data, 1, data.length);
        Expected expected = Expected.of(input);
        problems.clear();

        List<Integer> statuses = exchange(server, input, expected);

        check(problems.isEmpty(), "the server logged " + problems, input);
        int refused = expected.requests().size();
        check(statuses.size() <= refused + (expected.refusal() != 0 ? 1 : 0),
                "more responses than requests: " + statuses + " for " + expected, input);
        if (expected.refusal() != 0 && statuses.size() > refused) {
            int status = statuses.get(refused);
            check(status >= 400, "a request the parser refused with " + expected.refusal() + " was answered "
                    + status, input);
        }
        awaitReleased(server, input);
    }

    /** Sends {@code input} in slices, half-closes, and reads the final responses' statuses until the server closes. */
    private static List<Integer> exchange(Server server, byte[] input, Expected expected) throws IOException {
        List<Integer> statuses = new ArrayList<>();
        try (Socket socket = new Socket()) {
            socket.setTcpNoDelay(true);
            socket.connect(server.addresses().get(0), 5000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            SplittableRandom slices = new SplittableRandom(java.util.Arrays.hashCode(input));
            for (int at = 0; at < input.length; ) {
                int n = Math.min(input.length - at, 1 + slices.nextInt(64));
                try {
                    out.write(input, at, n);
                    out.flush();
                } catch (IOException closed) {
                    // the server closed after a refusal: the rest is not read
                    break;
                }
                at += n;
            }
            try {
                socket.shutdownOutput();
            } catch (IOException closed) {
                // already closed by the server
            }
            InputStream in = new BufferedInputStream(socket.getInputStream());
            try {
                for (int index = 0; ; ) {
                    Integer status = readResponse(in, expected.headRequest(index));
                    if (status == null) {
                        break;
                    }
                    if (status >= 200) {
                        statuses.add(status);
                        index++;
                    }
                }
            } catch (java.net.SocketTimeoutException e) {
                throw new AssertionError("the server did not close the connection within 10 s; input: "
                        + escape(input), e);
            } catch (IOException reset) {
                // reset after a refusal with unread input: nothing more to read
            }
        }
        return statuses;
    }

    /** Reads one response; its status, or null at the end of the stream. Bodies are skipped as framed. */
    private static Integer readResponse(InputStream in, boolean headRequest) throws IOException {
        String statusLine = line(in);
        if (statusLine == null) {
            return null;
        }
        check(statusLine.startsWith("HTTP/1.1 ") && statusLine.length() >= 12, "bad status line " + statusLine,
                new byte[0]);
        int status = Integer.parseInt(statusLine.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        for (String field; !(field = line(in)).isEmpty(); ) {
            String lower = field.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(lower.substring(15).trim());
            } else if (lower.startsWith("transfer-encoding:")) {
                chunked = lower.contains("chunked");
            }
        }
        if (headRequest || status < 200 || status == 204 || status == 304) {
            return status;
        }
        if (chunked) {
            for (long size; (size = Long.parseLong(line(in).split(";")[0].trim(), 16)) > 0; ) {
                in.skipNBytes(size);
                line(in);
            }
            while (!line(in).isEmpty()) {
                // trailers
            }
        } else if (length >= 0) {
            in.skipNBytes(length);
        } else {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return status;
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) {
                if (line.size() == 0) {
                    return null;
                }
                throw new java.io.EOFException("response cut short");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    /** Waits for the server to let go of the connection, then checks that it holds nothing of it. */
    private static void awaitReleased(Server server, byte[] input) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.connectionCount() > 0 || server.outputBuffers().outstanding() > 0
                || !temporaryFiles().isEmpty()) {
            if (System.nanoTime() - deadline > 0) {
                check(false, "after the connection closed the server still holds " + server.connectionCount()
                        + " connections, " + server.outputBuffers().outstanding() + " buffers, temporary files "
                        + temporaryFiles(), input);
            }
            // what the loop and the application thread release, they release right after the close
            synchronized (ServerFuzzTest.class) {
                ServerFuzzTest.class.wait(1);
            }
        }
    }

    /** The server's temporary files: request bodies ({@code usher-*}) and spilled responses ({@code usher-out-*}). */
    private static List<Path> temporaryFiles() throws IOException {
        try (Stream<Path> files = Files.list(temporary)) {
            // the fuzzer puts an agent jar of its own here
            return files.filter(file -> file.getFileName().toString().startsWith("usher-")).toList();
        }
    }

    private static void check(boolean condition, String what, byte[] input) {
        if (!condition) {
            throw new AssertionError(what + "\n  input: " + escape(input));
        }
    }

    private static String escape(byte[] input) {
        StringBuilder text = new StringBuilder();
        for (byte b : input) {
            int c = b & 0xff;
            if (c >= 0x20 && c < 0x7f && c != '\\') {
                text.append((char) c);
            } else {
                text.append(String.format("\\x%02x", c));
            }
        }
        return text.toString();
    }

    /**
     * A logger that keeps what no run should cause: anything at WARN or ERROR, but for the failures
     * the applications provoke on purpose and their consequences.
     */
    private static Logger problemLogger() {
        return (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
                (proxy, method, args) -> {
                    String name = method.getName();
                    if ((name.equals("warn") || name.equals("error")) && args != null && args.length > 0) {
                        String text = String.valueOf(args[0]);
                        // only /echo/fail fails on purpose: a body refused or cut short is no application failure
                        boolean provoked = text.startsWith("Application failed on")
                                && args[args.length - 1] instanceof Throwable thrown
                                && "fails on purpose".equals(thrown.getMessage()) || text.startsWith("Response to");
                        if (!provoked) {
                            problems.add(name + " " + text + " " + java.util.Arrays.deepToString(args));
                        }
                    }
                    if (method.getReturnType() == boolean.class) {
                        return false;
                    }
                    return name.equals("getName") ? "fuzz" : null;
                });
    }

    /**
     * What a parser of the same limits makes of the input: the requests it frames whole, in
     * order, up to one that ends the connection; and the status it refuses the next with, or 0.
     */
    record Expected(List<RequestHead> requests, int refusal) {

        static Expected of(byte[] input) {
            RequestParser parser = new RequestParser(LIMITS);
            ByteBuffer buffer = ByteBuffer.wrap(input);
            List<RequestHead> requests = new ArrayList<>();
            RequestHead head = null;
            try {
                while (true) {
                    RequestParser.Step step = parser.next(buffer);
                    if (step == RequestParser.Step.NEED_INPUT) {
                        return new Expected(requests, 0);
                    } else if (step == RequestParser.Step.HEAD) {
                        head = parser.head();
                    } else if (step == RequestParser.Step.END) {
                        requests.add(head);
                        if (!head.keepAlive()) {
                            return new Expected(requests, 0);
                        }
                    }
                }
            } catch (InvalidRequestException e) {
                return new Expected(requests, e.status());
            }
        }

        /** Whether the response at {@code index} answers a HEAD request (it has no body). */
        boolean headRequest(int index) {
            return index < requests.size() && requests.get(index).method().equals("HEAD");
        }
    }
}

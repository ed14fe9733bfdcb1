package dev.usher.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue 11's load: many clients held waiting on the demo's {@code /poll} (or streaming
 * {@code /events}) while ordinary {@code GET /} traffic runs beside them, against a server
 * already running.
 *
 * <pre>
 * java -cp bench/target/classes dev.usher.bench.LongPollLoad MODE PORT PID COUNT [SECONDS]
 * </pre>
 *
 * <ul>
 * <li>{@code fanout}: COUNT polls ({@code ?wait=600}) wait, then one {@code POST /poll} answers
 * them all, 5 s after they all wait; reports how many the POST reached, how many polls got the
 * message, and the time from sending the POST to the last poll's answer. A fan-out to at most
 * 1,000 polls runs first, unmeasured, so that the measured one runs compiled code.</li>
 * <li>{@code expiry}: COUNT polls with {@code ?wait=SECONDS} (default 10), no POST; reports how
 * many were answered {@code 204} and how long after the wait the last one came.</li>
 * <li>{@code events}: COUNT {@code /events} streams held for SECONDS (default 60); reports the
 * events each received (fewest, most) against the seconds held.</li>
 * </ul>
 *
 * <p>All modes report the server's heap after a full GC ({@code jcmd PID GC.run}, then
 * {@code GC.heap_info}) before the clients connect and while they all wait, and from that the
 * heap per waiting client; and the p50/p99 latency of sequential {@code GET /} requests on
 * 4 keep-alive connections, for 5 s on the idle server first and then for as long as the
 * clients wait.
 */
public final class LongPollLoad {

    private static final Pattern USED = Pattern.compile("used (\\d+)K");

    private final String mode;
    private final int port;
    private final long pid;
    private final int count;
    private final int seconds;

    private LongPollLoad(String[] args) {
        mode = args[0];
        port = Integer.parseInt(args[1]);
        pid = Long.parseLong(args[2]);
        count = Integer.parseInt(args[3]);
        seconds = args.length > 4 ? Integer.parseInt(args[4]) : mode.equals("events") ? 60 : 10;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: LongPollLoad fanout|expiry|events PORT PID COUNT [SECONDS]");
            System.exit(2);
        }
        new LongPollLoad(args).run();
    }

    private void run() throws Exception {
        if (mode.equals("fanout")) {
            warmUp();
        }
        long heapBefore = heapUsedKiB();
        List<Long> idle = ordinary(TimeUnit.SECONDS.toNanos(5), null);
        System.out.printf(Locale.ROOT, "idle server: GET / p50 %.2f ms, p99 %.2f ms (%d requests)%n",
                percentile(idle, 50), percentile(idle, 99), idle.size());

        AtomicBoolean waiting = new AtomicBoolean(true);
        List<Long> busy = Collections.synchronizedList(new ArrayList<>());
        Thread beside = new Thread(() -> {
            try {
                busy.addAll(ordinary(Long.MAX_VALUE, waiting));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });

        String target = switch (mode) {
            case "fanout" -> "/poll?wait=600";
            case "expiry" -> "/poll?wait=" + seconds;
            case "events" -> "/events";
            default -> throw new IllegalArgumentException(mode);
        };
        try (Selector selector = Selector.open()) {
            List<Client> clients = connect(selector, target, count);
            long sentAll = System.nanoTime();
            // a benchmark, not a test: two seconds for the server to read the last requests sent
            Thread.sleep(2000);
            long heapWaiting = heapUsedKiB();
            System.out.printf(Locale.ROOT, "heap after GC: %d KiB before, %d KiB with %d waiting: %.0f bytes each%n",
                    heapBefore, heapWaiting, count, (heapWaiting - heapBefore) * 1024.0 / count);
            // after the full GCs of the heap figures, which would stall it
            beside.start();
            switch (mode) {
                case "fanout" -> {
                    // ordinary traffic beside the polls held, before and during the fan-out
                    Thread.sleep(5000);
                    long posted = System.nanoTime();
                    String answer = post("/poll", "fan-out");
                    long last = awaitAll(selector, clients, TimeUnit.SECONDS.toNanos(60));
                    long answered = clients.stream().filter(c -> c.done && c.status == 200
                            && c.text().endsWith("fan-out")).count();
                    System.out.printf(Locale.ROOT, "POST: %s; %d of %d polls got the message; last %.0f ms after the POST%n",
                            answer.trim(), answered, count, (last - posted) / 1e6);
                }
                case "expiry" -> {
                    long last = awaitAll(selector, clients, TimeUnit.SECONDS.toNanos(seconds + 60L));
                    long answered = clients.stream().filter(c -> c.done && c.status == 204).count();
                    System.out.printf(Locale.ROOT, "%d of %d polls answered 204; last %.0f ms after the wait of %d s "
                            + "(from the last request sent)%n", answered, count,
                            (last - sentAll) / 1e6 - seconds * 1000.0, seconds);
                }
                default -> {
                    long end = sentAll + TimeUnit.SECONDS.toNanos(seconds);
                    while (System.nanoTime() < end) {
                        selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())));
                        readReady(selector);
                    }
                    long heapEnd = heapUsedKiB();
                    int fewest = Integer.MAX_VALUE;
                    int most = 0;
                    for (Client client : clients) {
                        int events = client.events();
                        fewest = Math.min(fewest, events);
                        most = Math.max(most, events);
                    }
                    System.out.printf(Locale.ROOT, "%d streams for %d s: events per stream %d to %d; "
                            + "heap after GC %d KiB at the start, %d KiB at the end%n",
                            count, seconds, fewest, most, heapWaiting, heapEnd);
                }
            }
            waiting.set(false);
            beside.join();
            for (Client client : clients) {
                client.channel.close();
            }
        }
        System.out.printf(Locale.ROOT, "while waiting: GET / p50 %.2f ms, p99 %.2f ms (%d requests); p99 ratio to idle %.2f%n",
                percentile(busy, 50), percentile(busy, 99), busy.size(), percentile(busy, 99) / percentile(idle, 99));
    }

    /** One waiting client and what it has read. */
    private static final class Client {
        final SocketChannel channel;
        final StringBuilder read = new StringBuilder();
        int status;
        boolean done;

        Client(SocketChannel channel) {
            this.channel = channel;
        }

        String text() {
            return read.toString();
        }

        int events() {
            int events = 0;
            for (int at = read.indexOf("\nid: "); at >= 0; at = read.indexOf("\nid: ", at + 1)) {
                events++;
            }
            return events;
        }

        /** Notes what arrived; a whole response (head, and a Content-Length body) ends it. */
        void took(String bytes) {
            read.append(bytes);
            int headEnd = read.indexOf("\r\n\r\n");
            if (status == 0 && read.length() >= 12) {
                status = Integer.parseInt(read.substring(9, 12));
            }
            if (headEnd < 0 || read.indexOf("text/event-stream") >= 0) {
                return;
            }
            Matcher length = Pattern.compile("(?i)content-length: (\\d+)").matcher(read.substring(0, headEnd));
            int body = length.find() ? Integer.parseInt(length.group(1)) : 0;
            done = read.length() >= headEnd + 4 + body;
        }
    }

    /** A first, smaller fan-out, so the measured one runs compiled code, as a running server's does. */
    private void warmUp() throws IOException {
        int polls = Math.min(1000, count);
        try (Selector selector = Selector.open()) {
            List<Client> clients = connect(selector, "/poll?wait=600", polls);
            String answer;
            do {
                answer = post("/poll", "warm-up");
            } while (answer.trim().equals("delivered to 0"));
            awaitAll(selector, clients, TimeUnit.SECONDS.toNanos(60));
            for (Client client : clients) {
                client.channel.close();
            }
        }
    }

    /** Opens {@code count} clients, at most 256 connecting at once (the listen backlog), each sending its GET. */
    private List<Client> connect(Selector selector, String target, int count) throws IOException {
        byte[] request = ("GET " + target + " HTTP/1.1\r\nHost: bench\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        List<Client> clients = new ArrayList<>();
        int connecting = 0;
        while (clients.size() < count || connecting > 0) {
            while (clients.size() < count && connecting < 256) {
                SocketChannel channel = SocketChannel.open();
                channel.configureBlocking(false);
                channel.connect(new InetSocketAddress("127.0.0.1", port));
                Client client = new Client(channel);
                channel.register(selector, SelectionKey.OP_CONNECT, client);
                clients.add(client);
                connecting++;
            }
            selector.select(1000);
            for (SelectionKey key : selector.selectedKeys()) {
                Client client = (Client) key.attachment();
                if (key.isConnectable()) {
                    client.channel.finishConnect();
                    client.channel.write(ByteBuffer.wrap(request));
                    key.interestOps(SelectionKey.OP_READ);
                    connecting--;
                } else if (key.isReadable()) {
                    read(key);
                }
            }
            selector.selectedKeys().clear();
        }
        return clients;
    }

    private static void read(SelectionKey key) throws IOException {
        Client client = (Client) key.attachment();
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        int n = client.channel.read(buffer);
        if (n < 0) {
            key.cancel();
            return;
        }
        client.took(new String(buffer.array(), 0, n, StandardCharsets.ISO_8859_1));
    }

    private static void readReady(Selector selector) throws IOException {
        for (SelectionKey key : selector.selectedKeys()) {
            if (key.isValid() && key.isReadable()) {
                read(key);
            }
        }
        selector.selectedKeys().clear();
    }

    /** Reads until every client has its whole response; the time the last one came. */
    private static long awaitAll(Selector selector, List<Client> clients, long timeoutNanos) throws IOException {
        long deadline = System.nanoTime() + timeoutNanos;
        long last = System.nanoTime();
        int left = (int) clients.stream().filter(c -> !c.done).count();
        while (left > 0 && System.nanoTime() < deadline) {
            selector.select(1000);
            for (SelectionKey key : selector.selectedKeys()) {
                Client client = (Client) key.attachment();
                if (key.isValid() && key.isReadable() && !client.done) {
                    read(key);
                    if (client.done) {
                        left--;
                        last = System.nanoTime();
                    }
                }
            }
            selector.selectedKeys().clear();
        }
        return last;
    }

    /** Sequential GET / on 4 keep-alive connections until {@code nanos} pass or {@code go} turns false. */
    private List<Long> ordinary(long nanos, AtomicBoolean go) throws IOException {
        List<Long> latencies = new ArrayList<>();
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                Socket socket = new Socket("127.0.0.1", port);
                socket.setTcpNoDelay(true);
                socket.setSoTimeout(30_000);
                sockets.add(socket);
            }
            byte[] get = "GET / HTTP/1.1\r\nHost: bench\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            long end = nanos == Long.MAX_VALUE ? Long.MAX_VALUE : System.nanoTime() + nanos;
            byte[] buffer = new byte[4096];
            while ((go == null || go.get()) && System.nanoTime() < end) {
                for (Socket socket : sockets) {
                    long start = System.nanoTime();
                    OutputStream out = socket.getOutputStream();
                    out.write(get);
                    InputStream in = socket.getInputStream();
                    readHello(in, buffer);
                    latencies.add(System.nanoTime() - start);
                }
            }
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
        return latencies;
    }

    /** Reads one response with a Content-Length body. */
    private static void readHello(InputStream in, byte[] buffer) throws IOException {
        StringBuilder head = new StringBuilder();
        while (head.indexOf("\r\n\r\n") < 0) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("closed");
            }
            head.append((char) c);
        }
        Matcher length = Pattern.compile("(?i)content-length: (\\d+)").matcher(head);
        int body = length.find() ? Integer.parseInt(length.group(1)) : 0;
        while (body > 0) {
            int n = in.read(buffer, 0, Math.min(body, buffer.length));
            if (n < 0) {
                throw new IOException("closed");
            }
            body -= n;
        }
    }

    private String post(String target, String message) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(60_000);
            byte[] body = message.getBytes(StandardCharsets.UTF_8);
            socket.getOutputStream().write(("POST " + target + " HTTP/1.1\r\nHost: bench\r\nContent-Length: " + body.length
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(body);
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return response.substring(response.indexOf("\r\n\r\n") + 4);
        }
    }

    /** The server's used heap after a full GC, in KiB. */
    private long heapUsedKiB() throws IOException, InterruptedException {
        jcmd("GC.run");
        String info = jcmd("GC.heap_info");
        // G1: "garbage-first heap ... used NK"; Parallel: "PSYoungGen ... used NK" and "ParOldGen ..."
        long total = 0;
        boolean found = false;
        for (String line : info.split("\n")) {
            Matcher used = USED.matcher(line);
            if ((line.contains("heap") || line.contains("Gen ")) && used.find()) {
                total += Long.parseLong(used.group(1));
                found = true;
            }
        }
        if (!found) {
            throw new IOException("no heap figure in: " + info);
        }
        return total;
    }

    private String jcmd(String command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("jcmd", Long.toString(pid), command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        return out;
    }

    private static double percentile(List<Long> nanos, int p) {
        if (nanos.isEmpty()) {
            return Double.NaN;
        }
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1)) / 1e6;
    }
}

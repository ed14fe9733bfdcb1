package dev.usher.soak;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * N hostile connections kept in play against one server, the slow-client attack of issue 9: an
 * equal share of each {@link Kind}. When the server closes one, another of the same kind is opened
 * at once, so the server never sees fewer than N. One thread, one selector and a timer queue for
 * the trickles: a thousand sockets cost the attacker next to nothing, which is what makes the
 * attack cheap in real life too.
 */
public final class HostileSwarm implements AutoCloseable {

    /** What a hostile connection does. */
    public enum Kind {
        /** {@code GET / HTTP/1.1}, {@code Host}, then a header line every 2 s: a head that never ends. */
        SLOW_HEAD("GET / HTTP/1.1\r\nHost: a\r\n", "X-a: b\r\n", Duration.ofSeconds(2)),
        /** A POST declaring 100000 bytes, then 4 bytes a second. */
        SLOW_BODY("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 100000\r\n\r\n", "abcd", Duration.ofSeconds(1)),
        /** Connects, sends nothing. */
        SILENT("", null, null),
        /** One complete request, then nothing on the kept-alive connection. */
        IDLE_KEEP_ALIVE("GET / HTTP/1.1\r\nHost: a\r\n\r\n", null, null);

        final byte[] first;
        final byte[] trickle;
        final Duration every;

        Kind(String first, String trickle, Duration every) {
            this.first = first.getBytes(ISO_8859_1);
            this.trickle = trickle == null ? null : trickle.getBytes(ISO_8859_1);
            this.every = every;
        }
    }

    /** The figures so far. */
    public record Stats(int target, int inPlay, int connected, long opened, long shed, Map<Kind, Long> shedByKind,
            Map<String, Long> firstStatusSeen, long connectFailures) {
        @Override
        public String toString() {
            return String.format("%d of %d in play (%d connected), %d opened, %d shed by the server %s, "
                    + "first status lines the server sent them %s, %d connect failures", inPlay, target, connected,
                    opened, shed, shedByKind, firstStatusSeen, connectFailures);
        }
    }

    private final class Hostile {
        final Kind kind;
        final SocketChannel channel;
        final SelectionKey key;
        ByteBuffer unsent;
        boolean connected;
        boolean closed;
        /** The first bytes the server sent, up to a status line's worth. */
        final ByteBuffer firstBytes = ByteBuffer.allocate(12);

        Hostile(Kind kind, SocketChannel channel, SelectionKey key) {
            this.kind = kind;
            this.channel = channel;
            this.key = key;
        }
    }

    /** A trickle due on {@code hostile}, or (hostile null) a connection of kind {@code reopen} to open again. */
    private record Timer(long dueNanos, Hostile hostile, Kind reopen) {
    }

    private static final long RETRY_CONNECT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final InetSocketAddress address;
    private final int size;
    private final Selector selector;
    private final Thread thread;
    private final PriorityQueue<Timer> timers = new PriorityQueue<>((a, b) -> Long.compare(a.dueNanos, b.dueNanos));
    private final List<Kind> toOpen = new ArrayList<>();
    private final ByteBuffer scratch = ByteBuffer.allocate(64 * 1024);
    private volatile boolean running = true;

    // guarded by this: read by other threads
    private int inPlay;
    private int connected;
    private long opened;
    private long shed;
    private long connectFailures;
    private final Map<Kind, Long> shedByKind = new EnumMap<>(Kind.class);
    private final Map<String, Long> firstStatusSeen = new TreeMap<>();

    /** Opens {@code size} hostile connections to {@code target}, kinds in turn, and keeps them in play. */
    public HostileSwarm(Target target, int size) throws IOException {
        this.address = new InetSocketAddress(target.host(), target.port());
        this.size = size;
        this.selector = Selector.open();
        Kind[] kinds = Kind.values();
        for (int i = 0; i < size; i++) {
            toOpen.add(kinds[i % kinds.length]);
        }
        this.thread = new Thread(this::run, "hostile-swarm");
        thread.setDaemon(true);
    }

    public HostileSwarm start() {
        thread.start();
        return this;
    }

    private void run() {
        try {
            while (running) {
                for (Kind kind : drain()) {
                    open(kind);
                }
                long now = System.nanoTime();
                for (Timer due; (due = timers.peek()) != null && due.dueNanos - now <= 0; ) {
                    timers.poll();
                    if (due.reopen != null) {
                        open(due.reopen);
                    } else {
                        fire(due.hostile);
                    }
                }
                Timer next = timers.peek();
                long waitMillis = next == null ? 1000
                        : Math.max(1, TimeUnit.NANOSECONDS.toMillis(next.dueNanos - System.nanoTime()));
                selector.select(this::ready, Math.min(waitMillis, 1000));
            }
        } catch (IOException | ClosedSelectorException e) {
            if (running) {
                throw new IllegalStateException("the hostile swarm's selector failed", e);
            }
        }
    }

    private List<Kind> drain() {
        List<Kind> kinds = new ArrayList<>(toOpen);
        toOpen.clear();
        return kinds;
    }

    private void open(Kind kind) {
        SocketChannel channel = null;
        Hostile hostile;
        try {
            channel = SocketChannel.open();
            channel.configureBlocking(false);
            SelectionKey key = channel.register(selector, 0);
            hostile = new Hostile(kind, channel, key);
            key.attach(hostile);
        } catch (IOException e) {
            closeQuietly(channel);
            connectFailed(kind);
            return;
        }
        synchronized (this) {
            opened++;
            inPlay++;
        }
        try {
            if (channel.connect(address)) {
                connected(hostile);
            } else {
                hostile.key.interestOps(SelectionKey.OP_CONNECT);
            }
        } catch (IOException e) {
            lose(hostile);
            connectFailed(kind);
        }
    }

    private void ready(SelectionKey key) {
        Hostile hostile = (Hostile) key.attachment();
        if (hostile.closed || !key.isValid()) {
            return;
        }
        try {
            if (key.isConnectable()) {
                if (hostile.channel.finishConnect()) {
                    connected(hostile);
                }
                return;
            }
            if (key.isWritable()) {
                flush(hostile);
            }
            if (key.isReadable()) {
                read(hostile);
            }
        } catch (IOException e) {
            if (hostile.connected) {
                shed(hostile);
            } else {
                lose(hostile);
                connectFailed(hostile.kind);
            }
        }
    }

    private void connected(Hostile hostile) throws IOException {
        hostile.connected = true;
        synchronized (this) {
            connected++;
            notifyAll();
        }
        hostile.unsent = ByteBuffer.wrap(hostile.kind.first);
        flush(hostile);
        if (hostile.kind.trickle != null) {
            timers.add(new Timer(System.nanoTime() + hostile.kind.every.toNanos(), hostile, null));
        }
    }

    /** A trickle is due: one more piece, and the next one scheduled. */
    private void fire(Hostile hostile) {
        if (hostile.closed) {
            return;
        }
        try {
            ByteBuffer more = ByteBuffer.wrap(hostile.kind.trickle);
            if (hostile.unsent != null && hostile.unsent.hasRemaining()) {
                // the server is not reading: queue it behind what waits already
                ByteBuffer both = ByteBuffer.allocate(hostile.unsent.remaining() + more.remaining());
                hostile.unsent = both.put(hostile.unsent).put(more).flip();
            } else {
                hostile.unsent = more;
            }
            flush(hostile);
            timers.add(new Timer(System.nanoTime() + hostile.kind.every.toNanos(), hostile, null));
        } catch (IOException e) {
            shed(hostile);
        }
    }

    private void flush(Hostile hostile) throws IOException {
        if (hostile.unsent != null) {
            hostile.channel.write(hostile.unsent);
        }
        boolean more = hostile.unsent != null && hostile.unsent.hasRemaining();
        hostile.key.interestOps(SelectionKey.OP_READ | (more ? SelectionKey.OP_WRITE : 0));
    }

    /** Reads and drops what the server sent; the end of the connection is a shed. */
    private void read(Hostile hostile) throws IOException {
        for (;;) {
            scratch.clear();
            int n = hostile.channel.read(scratch);
            if (n < 0) {
                shed(hostile);
                return;
            }
            if (n == 0) {
                return;
            }
            scratch.flip();
            while (hostile.firstBytes.hasRemaining() && scratch.hasRemaining()) {
                hostile.firstBytes.put(scratch.get());
                if (!hostile.firstBytes.hasRemaining()) {
                    String status = new String(hostile.firstBytes.array(), ISO_8859_1).substring(9).trim();
                    synchronized (this) {
                        firstStatusSeen.merge(status, 1L, Long::sum);
                    }
                }
            }
        }
    }

    /** The server closed (or reset) it: counted, and another of the kind opened at once. */
    private void shed(Hostile hostile) {
        if (lose(hostile)) {
            synchronized (this) {
                shed++;
                shedByKind.merge(hostile.kind, 1L, Long::sum);
            }
            if (running) {
                open(hostile.kind);
            }
        }
    }

    /** The server may be down or refusing: another try soon, not in a tight loop. */
    private void connectFailed(Kind kind) {
        synchronized (this) {
            connectFailures++;
        }
        if (running) {
            timers.add(new Timer(System.nanoTime() + RETRY_CONNECT_NANOS, null, kind));
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // it never was in play
            }
        }
    }

    /** Closes it; false if it was closed already. */
    private boolean lose(Hostile hostile) {
        if (hostile.closed) {
            return false;
        }
        hostile.closed = true;
        hostile.key.cancel();
        try {
            hostile.channel.close();
        } catch (IOException ignored) {
            // gone either way
        }
        synchronized (this) {
            inPlay--;
            if (hostile.connected) {
                connected--;
            }
        }
        return true;
    }

    /** Waits until {@code count} connections are connected, at most {@code within}; whether they are. */
    public synchronized boolean awaitConnected(int count, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        for (long left; connected < count && (left = deadline - System.nanoTime()) > 0; ) {
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return connected >= count;
    }

    public synchronized Stats stats() {
        return new Stats(size, inPlay, connected, opened, shed, new EnumMap<>(shedByKind),
                new TreeMap<>(firstStatusSeen), connectFailures);
    }

    /** Stops and closes every connection. */
    @Override
    public void close() throws InterruptedException, IOException {
        running = false;
        selector.wakeup();
        thread.join(10_000);
        for (SelectionKey key : selector.keys()) {
            try {
                key.channel().close();
            } catch (IOException ignored) {
                // closing all of them is what matters
            }
        }
        selector.close();
    }
}

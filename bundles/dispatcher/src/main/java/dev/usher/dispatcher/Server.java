package dev.usher.dispatcher;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.osgi.service.log.Logger;

import dev.usher.buffers.BufferPool;
import dev.usher.config.Adjustments;
import dev.usher.config.ListenAddress;
import dev.usher.http1.ParserLimits;
import dev.usher.http1.ResponseHeadEncoder;

/**
 * One running server: its listeners, its I/O loops (each owning its connections) and its pool
 * of application threads, all configured by one {@link Adjustments}.
 */
final class Server {

    private final String name;
    private final Supplier<Mounts> mounts;
    private final Logger logger;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger nextLoop = new AtomicInteger();
    private final AtomicInteger threadNumber = new AtomicInteger();
    private final ThreadPoolExecutor pool;
    private final BufferPool outputBuffers = new BufferPool(16 * 1024, 256);
    private final Path temporaryDirectory = Path.of(System.getProperty("java.io.tmpdir"));

    private volatile Adjustments adjustments;
    private volatile ParserLimits parserLimits;
    private volatile ResponseHeadEncoder encoder;
    private volatile IoLoop[] loops;
    private List<Listener> listeners = List.of();
    private String encodedIdent;

    Server(String name, Adjustments adjustments, Supplier<Mounts> mounts, Logger logger) {
        this.name = name;
        this.mounts = mounts;
        this.logger = logger;
        settings(adjustments);
        this.pool = new ThreadPoolExecutor(adjustments.threads(), adjustments.threads(), 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(),
                task -> new ServerThread(task, "usher-" + name + "-app-" + threadNumber.incrementAndGet()));
    }

    /**
     * Starts the I/O loops and binds every address; on a bind failure nothing stays open.
     *
     * @throws IOException naming the address that could not be bound
     */
    synchronized void start() throws IOException {
        IoLoop[] started = new IoLoop[adjustments.workers()];
        for (int i = 0; i < started.length; i++) {
            started[i] = newLoop(i);
        }
        loops = started;
        List<Listener> bound;
        try {
            bound = bind(adjustments);
        } catch (IOException | RuntimeException e) {
            stopLoops();
            pool.shutdownNow();
            throw e;
        }
        listen(bound);
    }

    /**
     * Applies new settings to the running server: per-request settings from the next request,
     * new listeners bound before the old ones close, the pool resized in place.
     */
    synchronized void apply(Adjustments next) {
        Adjustments previous = adjustments;
        if (!next.listen().equals(previous.listen()) || next.ipv4() != previous.ipv4()
                || next.ipv6() != previous.ipv6() || next.backlog() != previous.backlog()) {
            List<Listener> bound;
            try {
                bound = bind(next);
            } catch (IOException | RuntimeException e) {
                logger.error("Server {}: cannot listen on {} ({}); keeping the current settings", name,
                        next.listen(), e.getMessage());
                return;
            }
            List<Listener> old = listeners;
            listen(bound);
            for (Listener listener : old) {
                listener.closeSoon();
                logger.info("Stopped serving on http://{}", format(listener.address()));
            }
        }
        if (next.threads() != previous.threads()) {
            if (next.threads() > pool.getMaximumPoolSize()) {
                pool.setMaximumPoolSize(next.threads());
                pool.setCorePoolSize(next.threads());
            } else {
                pool.setCorePoolSize(next.threads());
                pool.setMaximumPoolSize(next.threads());
            }
        }
        settings(next);
        logger.info("Server {}: configuration applied", name);
    }

    /** Closes the listeners and every connection, and stops the threads. */
    synchronized void stop() {
        for (Listener listener : listeners) {
            listener.closeSoon();
            logger.info("Stopped serving on http://{}", format(listener.address()));
        }
        listeners = List.of();
        stopLoops();
        pool.shutdown();
        try {
            if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** The addresses listened on, with the ports actually bound. */
    synchronized List<InetSocketAddress> addresses() {
        List<InetSocketAddress> addresses = new ArrayList<>();
        listeners.forEach(l -> addresses.add(l.address()));
        return addresses;
    }

    String name() {
        return name;
    }

    Adjustments adjustments() {
        return adjustments;
    }

    ParserLimits parserLimits() {
        return parserLimits;
    }

    /** Where request bodies and responses past their memory thresholds are kept. */
    Path temporaryDirectory() {
        return temporaryDirectory;
    }

    /** The pool of buffers that hold output a socket did not take at once. */
    BufferPool outputBuffers() {
        return outputBuffers;
    }

    ResponseHeadEncoder encoder() {
        return encoder;
    }

    Logger logger() {
        return logger;
    }

    /** Takes a newly accepted socket: the next loop, round robin, will own it. */
    void adopt(SocketChannel channel) {
        connections.incrementAndGet();
        try {
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        } catch (IOException e) {
            socketError("accept", e);
            try {
                channel.close();
            } catch (IOException ignored) {
                // already failing
            }
            connectionClosed();
            return;
        }
        IoLoop[] current = loops;
        IoLoop loop = current[Math.floorMod(nextLoop.getAndIncrement(), current.length)];
        if (loop.inLoop()) {
            Connection.open(this, loop, channel);
        } else {
            loop.execute(() -> Connection.open(this, loop, channel));
        }
    }

    boolean atConnectionLimit() {
        return connections.get() >= adjustments.connectionLimit();
    }

    void connectionClosed() {
        if (connections.decrementAndGet() == adjustments.connectionLimit() - 1) {
            List<Listener> current;
            synchronized (this) {
                current = listeners;
            }
            current.forEach(Listener::resume);
        }
    }

    /**
     * Routes a request, {@code url_prefix} first, then the longest mount prefix, and records the
     * outcome in it; a request-target that cannot be decoded refuses the request.
     */
    void route(ReceivedRequest received, Peer peer) {
        if (!received.routable()) {
            return;
        }
        RequestTarget target;
        try {
            target = RequestTarget.parse(received.head().target());
        } catch (IllegalArgumentException e) {
            received.refuse(400, "Malformed request-target: " + e.getMessage());
            return;
        }
        String path = target.path();
        String prefix = adjustments.urlPrefix();
        if (!prefix.isEmpty()) {
            if (!path.startsWith(prefix) || (path.length() > prefix.length() && path.charAt(prefix.length()) != '/')) {
                return;
            }
            path = path.substring(prefix.length());
        }
        Mounts.Route route = mounts.get().resolve(name, path);
        if (route != null) {
            String scriptName = prefix + route.scriptName();
            RequestOrigin origin = RequestOrigin.direct(peer, adjustments.urlScheme(), target.authority(),
                    received.head().field("host"));
            received.routed(new ServedRequest(route.mount(), received, target, scriptName, route.pathInfo(),
                    target.rawSuffix(scriptName.length()), origin, name));
        }
    }

    /** Runs {@code task} on an application thread; or at once when every request is non-blocking. */
    void execute(Task task, boolean nonblocking) {
        if (nonblocking) {
            task.run();
        } else {
            pool.execute(task);
        }
    }

    void socketError(String operation, IOException e) {
        if (adjustments.logSocketErrors()) {
            logger.debug("Server {}: socket error on {}: {}", name, operation, e.toString());
        }
    }

    private void settings(Adjustments next) {
        adjustments = next;
        parserLimits = new ParserLimits(next.maxRequestHeaderSize(), next.maxRequestBodySize());
        if (!next.ident().equals(encodedIdent)) {
            encoder = new ResponseHeadEncoder(next.ident());
            encodedIdent = next.ident();
        }
        IoLoop[] current = loops;
        if (current != null) {
            for (IoLoop loop : current) {
                loop.timing(1000, sweeper(loop));
            }
        }
    }

    private IoLoop newLoop(int index) {
        IoLoop[] slot = new IoLoop[1];
        IoLoop loop = new IoLoop("usher-" + name + "-io-" + index, t -> replaceLoop(slot[0], t));
        slot[0] = loop;
        loop.timing(1000, sweeper(loop));
        loop.start();
        return loop;
    }

    private synchronized void replaceLoop(IoLoop dead, Throwable cause) {
        logger.error("Server {}: I/O loop {} died; replacing it", name, dead, cause);
        IoLoop[] current = loops.clone();
        for (int i = 0; i < current.length; i++) {
            if (current[i] == dead) {
                current[i] = newLoop(i);
            }
        }
        loops = current;
        for (Listener listener : listeners) {
            listener.register(current[0]);
        }
    }

    /** Closes connections idle longer than {@code channel_timeout}, every {@code cleanup_interval}. */
    private Runnable sweeper(IoLoop loop) {
        long[] nextSweep = {loop.now()};
        return () -> {
            long now = loop.now();
            Adjustments a = adjustments;
            if (now - nextSweep[0] < 0) {
                return;
            }
            nextSweep[0] = now + TimeUnit.SECONDS.toNanos(a.cleanupInterval());
            long deadline = now - TimeUnit.SECONDS.toNanos(a.channelTimeout());
            for (Connection c : loop.connections()) {
                c.sweep(deadline);
            }
        };
    }

    private void listen(List<Listener> bound) {
        IoLoop acceptor = loops[0];
        for (Listener listener : bound) {
            listener.register(acceptor);
            logger.info("Serving on http://{}", format(listener.address()));
        }
        listeners = bound;
    }

    private List<Listener> bind(Adjustments a) throws IOException {
        List<Listener> bound = new ArrayList<>();
        try {
            for (ListenAddress address : a.listen()) {
                for (InetSocketAddress socketAddress : resolve(address, a)) {
                    try {
                        bound.add(Listener.bind(this, socketAddress, a.backlog()));
                    } catch (IOException e) {
                        throw new IOException("cannot listen on " + address + ": " + e.getMessage(), e);
                    }
                }
            }
            return bound;
        } catch (IOException | RuntimeException e) {
            bound.forEach(Listener::close);
            throw e;
        }
    }

    private static List<InetSocketAddress> resolve(ListenAddress address, Adjustments a) throws UnknownHostException {
        List<InetSocketAddress> resolved = new ArrayList<>();
        if (address.wildcard()) {
            // A dual-stack "::" socket takes IPv4 too, so binding both would conflict.
            String any = a.ipv6() ? "::" : "0.0.0.0";
            resolved.add(new InetSocketAddress(InetAddress.getByName(any), address.port()));
            return resolved;
        }
        for (InetAddress inet : InetAddress.getAllByName(address.host())) {
            if ((inet instanceof Inet4Address && a.ipv4()) || (inet instanceof Inet6Address && a.ipv6())) {
                resolved.add(new InetSocketAddress(inet, address.port()));
            }
        }
        if (resolved.isEmpty()) {
            throw new UnknownHostException(address.host() + " has no address of an enabled family (ipv4/ipv6)");
        }
        return resolved;
    }

    private static String format(InetSocketAddress address) {
        String host = address.getAddress().getHostAddress();
        int zone = host.indexOf('%');
        if (zone >= 0) {
            host = host.substring(0, zone);
        }
        return (address.getAddress() instanceof Inet6Address ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    private void stopLoops() {
        IoLoop[] current = loops;
        if (current == null) {
            return;
        }
        for (IoLoop loop : current) {
            loop.stop();
        }
        for (IoLoop loop : current) {
            try {
                loop.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public String toString() {
        return "server " + name;
    }
}

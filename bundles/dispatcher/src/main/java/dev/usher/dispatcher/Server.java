package dev.usher.dispatcher;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ByteChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import org.osgi.service.log.Logger;

import dev.usher.buffers.BufferPool;
import dev.usher.config.Adjustments;
import dev.usher.config.AllowedPeers;
import dev.usher.config.WorkerClass;
import dev.usher.http1.ParserLimits;
import dev.usher.http1.ResponseHeadEncoder;

/**
 * One running server: its listeners, its I/O loops (each owning its connections) and its pool
 * of application threads, all configured by one {@link Adjustments}.
 */
final class Server {

    private final String name;
    private final ProcessIdentity identity;
    private final Supplier<Mounts> mounts;
    private final Logger logger;
    private final ConnectionPools pools;
    private final AtomicInteger threadNumber = new AtomicInteger();
    private final ApplicationCalls calls;
    private final BufferPool outputBuffers = new BufferPool(16 * 1024, 256);
    private final Path temporaryDirectory = Path.of(System.getProperty("java.io.tmpdir"));
    private final IoLoops loops;
    private final CallWatchdog watchdog = new CallWatchdog();
    /**
     * How long a stopping server keeps a connection with no request in progress open, for the
     * client's next request (answered with {@code Connection: close}) to arrive.
     */
    static final long DRAIN_SILENCE_MILLIS = 1000;
    /** How often a loop wakes while its server stops, so silent connections close on time. */
    private static final long STOPPING_WAKEUP_MILLIS = 100;
    private final Listeners listeners;
    /**
     * The TLS handshakes' signatures and key agreements, off the I/O loops so that every core
     * takes part; its threads start with the first handshake and end after a quiet minute.
     */
    private final ThreadPoolExecutor handshakeTasks;

    /** {@code proxy_allow_ips}, ready to ask; changes with the settings. */
    private volatile AllowedPeers proxyPeers;
    private volatile Adjustments adjustments;
    private volatile ParserLimits parserLimits;
    private volatile ResponseHeadEncoder encoder;
    /**
     * One daemon thread, started by the first task scheduled (a timeout; a TLS server's
     * certificate checks): most plain servers never start it.
     */
    private final ScheduledThreadPoolExecutor asyncTimer;
    private volatile TrustedProxies proxies;
    /** The TLS context new connections take, kept current; null for plain HTTP. */
    private volatile CertificateWatch certificates;
    private volatile AccessLog accessLog;
    /** Set as the server stops: connections that never sent a byte get a short grace. */
    private volatile boolean stopping;
    private final Logger accessLogger;
    private String encodedIdent;
    /** What it counts for its status and metrics; kept across settings changes. */
    private final ServerMetrics metrics;
    private final Instant started = Instant.now();

    Server(String name, Adjustments adjustments, Supplier<Mounts> mounts, Logger logger, Logger accessLogger) {
        this(name, adjustments, mounts, logger, accessLogger, Map.of(), ProcessIdentity.DEFAULT);
    }

    /**
     * @param inherited listening sockets a previous dispatcher handed over, by
     *     {@link ListenerHandover#key}: accepted on instead of binding their addresses anew
     */
    Server(String name, Adjustments adjustments, Supplier<Mounts> mounts, Logger logger, Logger accessLogger,
            Map<String, ServerSocketChannel> inherited, ProcessIdentity identity) {
        this.name = name;
        this.identity = identity;
        this.mounts = mounts;
        this.logger = logger;
        this.accessLogger = accessLogger;
        this.metrics = new ServerMetrics(adjustments.metrics(), System.nanoTime());
        settings(adjustments);
        this.pools = new ConnectionPools(name, this::adjustments, this::resumeListeners, logger);
        this.calls = new ApplicationCalls(adjustments.threads(), adjustments.workerClass(),
                task -> new ServerThread(task, identity.name() + "-" + name + "-app-" + threadNumber.incrementAndGet()),
                identity.name() + "-" + name + "-virtual-");
        this.loops = new IoLoops(name, identity.name() + "-" + name, logger, this::time, calls);
        this.listeners = new Listeners(this, logger, inherited);
        this.asyncTimer = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, identity.name() + "-" + name + "-async-timer");
            thread.setDaemon(true);
            return thread;
        });
        asyncTimer.setRemoveOnCancelPolicy(true);
        int processors = Runtime.getRuntime().availableProcessors();
        AtomicInteger handshakeThreads = new AtomicInteger();
        this.handshakeTasks = new ThreadPoolExecutor(processors, processors, 1, TimeUnit.MINUTES,
                new LinkedBlockingQueue<>(), task -> {
                    Thread thread = new Thread(task, identity.name() + "-" + name + "-tls-"
                            + handshakeThreads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        handshakeTasks.allowCoreThreadTimeOut(true);
        loops.onReplaced(() -> {
            metrics.loopRestarted();
            listeners.reregister(loops.acceptor());
        });
    }

    /**
     * Starts the I/O loops and binds every address; on a bind failure nothing stays open.
     *
     * @throws IOException naming the address that could not be bound
     */
    synchronized void start() throws IOException {
        if (adjustments.tls().enabled()) {
            certificates = CertificateWatch.start(name, adjustments.tls(), logger, outputBuffers, asyncTimer);
        }
        loops.resize(adjustments.workers());
        try {
            listeners.update(adjustments, loops.acceptor());
        } catch (IOException | RuntimeException e) {
            stopCertificateWatch();
            loops.stop();
            calls.stopNow();
            AccessLog log = accessLog;
            if (log != null) {
                // its writer's thread started with the settings
                log.close();
            }
            throw e;
        }
    }

    /**
     * Applies new settings to the running server, keeping every connection: new listeners are
     * bound before removed ones close, loops and the pool are resized in place, and per-request
     * settings apply from the next request. A new address accepts only once the settings that
     * came with it are in place. If a new address cannot be bound, nothing changes.
     */
    synchronized void apply(Adjustments next) {
        CertificateWatch startedWatch = null;
        if (next.tls().enabled() && certificates == null) {
            // plain to TLS: without a certificate that loads, nothing changes
            try {
                startedWatch = CertificateWatch.start(name, next.tls(), logger, outputBuffers, asyncTimer);
            } catch (IOException | RuntimeException e) {
                logger.error("Server {}: cannot load TLS: {}; keeping the current settings", name, e.getMessage());
                metrics.configRefused("cannot load TLS: " + e.getMessage());
                return;
            }
        }
        Listeners.Change change;
        try {
            change = listeners.prepare(next);
        } catch (IOException | RuntimeException e) {
            if (startedWatch != null) {
                startedWatch.close();
            }
            logger.error("Server {}: {}; keeping the current settings", name, e.getMessage());
            metrics.configRefused(e.getMessage());
            return;
        }
        if (startedWatch != null) {
            certificates = startedWatch;
        } else if (next.tls().enabled()) {
            // new files or settings load now; if they do not, the current certificate stays
            certificates.update(next.tls());
        } else {
            stopCertificateWatch();
        }
        calls.resize(next.threads());
        calls.workerClass(next.workerClass());
        Adjustments previous = adjustments;
        settings(next);
        loops.resize(next.workers());
        listeners.commit(change, loops.acceptor());
        if (next.workers() != previous.workers() || next.threads() != previous.threads()
                || next.workerClass() != previous.workerClass()) {
            logger.info("Server {}: {} I/O workers, {}", name, next.workers(), next.workerClass() == WorkerClass.VIRTUAL
                    ? "a virtual thread per call" : next.threads() + " application threads");
        }
        // retiring loops too: they sweep the connections that cannot leave them yet
        loops.running().forEach(this::time);
        // a raised limit lets requests in line in, and paused listeners accept again
        pools.limitsChanged();
        metrics.configApplied();
        logger.info("Server {}: configuration applied", name);
    }

    /**
     * Stops gracefully, losing no request: the listeners close at once; every connection drains
     * ({@link Connection#drain}): requests in flight, and a keep-alive client's next one, are
     * answered with {@code Connection: close}, and connections silent for
     * {@value #DRAIN_SILENCE_MILLIS} ms close. It returns once the last connection has closed, or
     * after {@code graceful_timeout} seconds, when what is left is closed and the threads stop.
     */
    synchronized void stop() {
        // closed before responses start saying Connection: close: clients reconnecting must not
        // reach a listener about to close (a handshake in its queue would be reset)
        listeners.close();
        stopping = true;
        logger.info("Server {}: draining {} connections (graceful_timeout={}s)", name, connectionCount(),
                adjustments.gracefulTimeout());
        for (IoLoop loop : loops.running()) {
            loop.execute(() -> List.copyOf(loop.connections()).forEach(Connection::drain));
            time(loop);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(adjustments.gracefulTimeout());
        awaitNoConnections(deadline - System.nanoTime());
        loops.stop();
        // past graceful_timeout, what still runs is interrupted, and not waited for long
        calls.stop(deadline);
        stopCertificateWatch();
        asyncTimer.shutdownNow();
        handshakeTasks.shutdownNow();
        AccessLog log = accessLog;
        if (log != null) {
            log.close();
        }
        logger.info("Server {} stopped", name);
    }

    private void stopCertificateWatch() {
        CertificateWatch watch = certificates;
        certificates = null;
        if (watch != null) {
            watch.close();
        }
    }

    /**
     * The transport of a new connection: TLS with the current certificate when the server has
     * one, else plain.
     *
     * @param output the connection's output lock, which the transport's writers hold
     */
    Transport transport(ByteChannel channel, ReentrantLock output) throws IOException {
        CertificateWatch watch = certificates;
        return watch == null ? new PlainTransport(channel)
                : new TlsTransport(channel, watch.current(), output, handshakeTasks);
    }

    /** The TLS context new connections use, or null for plain HTTP; for tests. */
    TlsContext tlsForTest() {
        CertificateWatch watch = certificates;
        return watch == null ? null : watch.current();
    }

    /** The timer of asynchronous responses' timeouts. */
    ScheduledExecutorService asyncTimer() {
        return asyncTimer;
    }

    /** Stops accepting but keeps the sockets open, and gives them up for the next dispatcher. */
    Map<String, ServerSocketChannel> detachListeners() {
        return listeners.detach();
    }

    /** The addresses listened on, with the ports actually bound. */
    List<SocketAddress> addresses() {
        return listeners.addresses();
    }

    /** How many I/O loops run; for tests. */
    int workers() {
        return loops.size();
    }

    /** The I/O loops now; for tests. */
    List<IoLoop> loopsForTest() {
        return loops.all();
    }

    /** How many application threads the pool may run; for tests. */
    int threads() {
        return calls.threads();
    }

    ServerMetrics metrics() {
        return metrics;
    }

    /** When it started. */
    Instant started() {
        return started;
    }

    /** Where clients reach it now, as URLs. */
    List<String> listenerUrls() {
        return listeners.urls();
    }

    /** Its I/O loops, those retiring too. */
    IoLoops loops() {
        return loops;
    }

    String name() {
        return name;
    }

    Adjustments adjustments() {
        return adjustments;
    }

    /** The peers a PROXY protocol header is accepted from ({@code proxy_allow_ips}). */
    AllowedPeers proxyPeers() {
        return proxyPeers;
    }

    ParserLimits parserLimits() {
        return parserLimits;
    }

    ResponseHeadEncoder encoder() {
        return encoder;
    }

    Logger logger() {
        return logger;
    }

    /** Watches application calls for {@code timeout}. */
    CallWatchdog watchdog() {
        return watchdog;
    }

    /** The access log, or null when there is none. */
    AccessLog accessLog() {
        return accessLog;
    }

    /** Where request bodies and responses past their memory thresholds are kept. */
    Path temporaryDirectory() {
        return temporaryDirectory;
    }

    /** The pool of buffers that hold output a socket did not take at once. */
    BufferPool outputBuffers() {
        return outputBuffers;
    }

    /** Takes a newly accepted socket: the next loop, round robin, will own it. */
    void adopt(SocketChannel channel) {
        pools.accepted();
        try {
            channel.configureBlocking(false);
            if (channel.supportedOptions().contains(StandardSocketOptions.TCP_NODELAY)) {
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            }
        } catch (IOException e) {
            socketError("accept", e);
            dropAccepted(channel);
            return;
        }
        IoLoop loop = loops.next();
        if (loop.inLoop()) {
            Connection.open(this, loop, channel);
        } else {
            loop.execute(() -> Connection.open(this, loop, channel));
        }
    }

    /** Closes a socket accepted but never made a connection, and gives its place in the pools back. */
    void dropAccepted(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // already failing
        }
        pools.acceptFailed();
    }

    /** Whether the server is stopping: every response from now on closes its connection. */
    boolean stopping() {
        return stopping;
    }

    private void resumeListeners() {
        listeners.resume();
    }

    /** Connections open and counted in either pool (not those being shed). */
    int connectionCount() {
        return pools.served() + pools.waiting();
    }

    /** The server's connections, waiting and served. */
    ConnectionPools pools() {
        return pools;
    }

    private void awaitNoConnections(long timeoutNanos) {
        int left;
        try {
            left = pools.awaitNone(timeoutNanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (left > 0) {
            logger.warn("Server {}: {} connections still busy after graceful_timeout; closing them", name, left);
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
            RequestOrigin origin;
            try {
                origin = proxies.origin(peer, received.head(), target.authority());
            } catch (IllegalArgumentException e) {
                received.refuse(400, "Malformed proxy field: " + e.getMessage());
                return;
            }
            received.routed(new ServedRequest(route.mount(), received, target, scriptName, route.pathInfo(),
                    target.rawSuffix(scriptName.length()), origin, name, peer.certificates()));
        }
    }

    /** Runs {@code task} on an application thread; or at once when every request is non-blocking. */
    /** Where the server's blocking application calls run. */
    ApplicationCalls applicationCalls() {
        return calls;
    }

    void socketError(String operation, IOException e) {
        if (adjustments.logSocketErrors()) {
            logger.debug("Server {}: socket error on {}: {}", name, operation, e.toString());
        }
    }

    private void settings(Adjustments next) {
        Adjustments previous = adjustments;
        if (previous == null || !previous.accessLog().equals(next.accessLog())
                || !previous.accessLogFormat().equals(next.accessLogFormat())) {
            AccessLog old = accessLog;
            accessLog = AccessLog.of(next.accessLog(), next.accessLogFormat(), accessLogger,
                    identity.filePermissions(), identity.name() + "-" + name + "-accesslog", logger);
            if (old != null) {
                old.close();
            }
        }
        adjustments = next;
        metrics.enabled(next.metrics());
        parserLimits = new ParserLimits(next.maxRequestHeaderSize(), next.maxRequestBodySize());
        proxies = new TrustedProxies(next, logger);
        proxyPeers = AllowedPeers.of(next.proxyAllowIps());
        if (!next.ident().equals(encodedIdent)) {
            encoder = new ResponseHeadEncoder(next.ident());
            encodedIdent = next.ident();
        }
    }

    /** Gives {@code loop} the wait of {@code asyncore_loop_timeout} and the idle sweep. */
    private void time(IoLoop loop) {
        long wait = TimeUnit.SECONDS.toMillis(adjustments.asyncoreLoopTimeout());
        loop.timing(stopping ? Math.min(wait, STOPPING_WAKEUP_MILLIS) : wait, sweeper(loop));
    }

    /** Closes connections idle longer than {@code channel_timeout}, every {@code cleanup_interval}. */
    private Runnable sweeper(IoLoop loop) {
        long[] nextSweep = {loop.now()};
        return () -> {
            long now = loop.now();
            Adjustments a = adjustments;
            watchdog.check(a.timeout(), logger);
            pools.shedStalledForQueued();
            if (stopping) {
                long silent = now - TimeUnit.MILLISECONDS.toNanos(DRAIN_SILENCE_MILLIS);
                for (Connection c : List.copyOf(loop.connections())) {
                    c.closeIfSilentSince(silent);
                }
            }
            if (now - nextSweep[0] < 0) {
                return;
            }
            nextSweep[0] = now + TimeUnit.SECONDS.toNanos(a.cleanupInterval());
            long deadline = now - TimeUnit.SECONDS.toNanos(a.channelTimeout());
            for (Connection c : List.copyOf(loop.connections())) {
                c.sweep(deadline);
            }
        };
    }

    @Override
    public String toString() {
        return "server " + name;
    }
}

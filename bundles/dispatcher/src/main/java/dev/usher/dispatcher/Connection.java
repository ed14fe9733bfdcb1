package dev.usher.dispatcher;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import dev.usher.config.ProxyProtocol;
import dev.usher.dispatcher.monitor.ConnectionPhase;
import dev.usher.dispatcher.monitor.ConnectionStatus;

/**
 * One client connection, in three parts: its {@link Transport} (plain or TLS), which alone
 * touches the socket (through a {@link ProxyProtocolChannel} first, with {@code proxy_protocol});
 * its {@link ConnectionInput}, which frames what the client sends into
 * requests; its {@link ConnectionOutput}, which takes responses to the client. The connection
 * itself coordinates them: its I/O loop reads, the input frames, and each batch of complete
 * requests goes to the application threads as one {@link Task};
 * while a batch is being answered, or output is pending, the loop reads no more from it
 * (waitress's {@code channel_request_lookahead} of 0), so a client cannot make the server
 * buffer without bound. Application threads add output with {@link #send}, which writes at
 * once when nothing is pending and queues the rest for the loop; only the loop closes the
 * socket.
 *
 * <p>The hand-back from the application thread costs no wakeup in the common case: read
 * interest stays registered while a task runs, and the task ends by moving its {@link TaskPhase}
 * from {@code RUNNING} to {@code IDLE}. Only when the loop saw the client send more in the
 * meantime (it then stopped reading and moved the phase to {@code ENDS_THROUGH_LOOP}), when
 * output is pending, or when the connection must close, is the loop called back.
 *
 * <p>A request to a streaming application is handed over as soon as its head is parsed; the
 * loop goes on reading its body into a {@link StreamingBody} while the task runs, and keeps
 * whatever the client pipelined behind it for when the task is done.
 *
 * <p>A connection is waiting or served, in its server's {@link ConnectionPools}: it asks for a
 * slot before a request goes to its application, or once it has buffered more than
 * {@value #WAITING_REQUEST_BYTES} bytes of one, and waits for one unread; it gives the slot back
 * when it is between requests again. How far it keeps up with {@value #MIN_RATE} bytes a second
 * ({@link #paidUntil()}) decides which connection is shed at a limit. As the server stops, a connection {@linkplain #drain() drains}: the response in progress or
 * the next one says {@code Connection: close}, and only a connection silent for
 * {@link Server#DRAIN_SILENCE_MILLIS} is closed without one.
 */
final class Connection implements Selectable {

    private final Server server;
    /** The loop that owns it; changes only when a retiring loop hands it over. */
    private volatile IoLoop loop;
    private final SocketChannel channel;
    /** The socket's reads and writes, plain or TLS. */
    private final Transport transport;
    /** Requests framed from what the client sends. Loop thread. */
    private final ConnectionInput input;
    /** Responses on their way to the client. Any thread, under its lock. */
    private final ConnectionOutput output;
    /** The PROXY protocol layer beneath the transport, or null without {@code proxy_protocol}. */
    private final ProxyProtocolChannel proxy;
    /**
     * The two ends (as a PROXY protocol header names them), and the client's certificates once
     * a TLS handshake has finished. Loop thread.
     */
    private Peer peer;
    /** Whether the peer is known in full: no header or handshake is still to come. */
    private boolean peerComplete;
    private SelectionKey key;
    /** When the connection was accepted: a TLS handshake must finish within {@code channel_timeout}. */
    private final long openedNanos;
    /** Whether a read of input the transport holds is scheduled. Loop thread. */
    private boolean bufferedReadScheduled;

    /**
     * Bytes a second a request body must average, past its first {@code channel_timeout}: the
     * rate Apache's mod_reqtimeout asks of bodies by default, low enough for any real link.
     */
    static final int MIN_BODY_RATE = 500;
    /** The rate a connection must keep up with not to fall behind: {@value}, the same as bodies. */
    static final int MIN_RATE = MIN_BODY_RATE;
    /** The time a byte moved earns against {@link #MIN_RATE}. */
    private static final long NANOS_PER_BYTE = 1_000_000_000L / MIN_RATE;
    /** The most a connection can earn ahead: a burst cannot buy a long silence. */
    private static final long MAX_AHEAD_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** Bytes of an incomplete request a waiting connection may hold; past them it needs a slot. */
    static final int WAITING_REQUEST_BYTES = 8192;

    /** Where a connection stands in its server's {@link ConnectionPools}. */
    enum Slot {
        /** Waiting for a request: counts against {@code waiting_connection_limit}. */
        WAITING,
        /** A request is in service: counts against {@code connection_limit}. */
        SERVED,
        /** Chosen to be shed: its loop is about to close it; it counts no more. */
        CLAIMED,
        /** Closed. */
        CLOSED
    }

    /** Whether a task answers the connection, and how it hands the connection back. */
    enum TaskPhase {
        /** No task answers the connection: the loop alone drives it. */
        IDLE,
        /** A task answers it, and hands it back by itself, without waking the loop. */
        RUNNING,
        /**
         * A task answers it and must end through the loop: the loop stopped reading for it,
         * holds input for after it, or the connection ends with it.
         */
        ENDS_THROUGH_LOOP
    }

    private static final VarHandle SLOT;
    private static final VarHandle TASK;

    static {
        try {
            SLOT = MethodHandles.lookup().findVarHandle(Connection.class, "slot", Slot.class);
            TASK = MethodHandles.lookup().findVarHandle(Connection.class, "task", TaskPhase.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Its pool; changed by compare-and-set from any thread. */
    private volatile Slot slot = Slot.WAITING;
    /**
     * Until when the connection has kept up with {@link #MIN_RATE}: the time it was accepted or
     * last completed a request, moved on by the bytes it moved since (at most
     * {@link #MAX_AHEAD_NANOS} past the present). The lowest is shed first. Written by the loop,
     * and by a task as it ends.
     */
    private volatile long paidUntilNanos;
    /** Whether it waits for a slot, unread; read by acceptors choosing what to shed. */
    private volatile boolean awaitingSlot;

    /** Whether a task answers the connection; changed by compare-and-set from the task's thread. */
    private volatile TaskPhase task = TaskPhase.IDLE;

    // Owned by the loop's thread.
    /** Whether reading stopped while a task runs (mayRead said no); resumes when it ends. */
    private boolean readPaused;
    private boolean closed;
    /** Whether the server is stopping: the request arriving is the last one; read by tasks. */
    private volatile boolean draining;
    /** When the connection started to drain. */
    private long drainStartNanos;
    /** Written by the loop, and by a task as it ends. */
    private volatile long lastActivityNanos;

    /**
     * The asynchronous response the connection's task waits for, once its call returned: the
     * loop reads meanwhile to learn if the client leaves. Null otherwise.
     */
    private volatile AsyncExchange asyncWaiting;

    private Connection(Server server, IoLoop loop, SocketChannel channel, Peer peer, ProxyProtocolChannel proxy,
            Transport transport, ReentrantLock output) {
        this.server = server;
        this.loop = loop;
        this.channel = channel;
        this.proxy = proxy;
        this.transport = transport;
        this.output = new ConnectionOutput(server, transport, output);
        this.input = new ConnectionInput(new Framing(), server);
        this.peer = peer;
        this.peerComplete = !transport.handshaking() && proxy == null;
        this.lastActivityNanos = loop.now();
        this.openedNanos = lastActivityNanos;
        this.paidUntilNanos = lastActivityNanos;
    }

    /**
     * Registers a newly accepted socket with {@code loop} and reads what the client sent already,
     * which saves a wait in the selector for a request that waited in the backlog; call on that
     * loop's thread.
     */
    static void open(Server server, IoLoop loop, SocketChannel channel) {
        ReentrantLock output = new ReentrantLock();
        ProxyProtocol proxyProtocol = server.adjustments().proxyProtocol();
        ProxyProtocolChannel proxy = null;
        Peer peer = Peer.of(channel);
        if (proxyProtocol != ProxyProtocol.OFF) {
            String from = peer.remoteAddress();
            if (!server.proxyPeers().allows(from)) {
                // it may not say who the client is, and it is not the client a header would name
                server.socketError("accept", new ProxyProtocolException(from + " is not in proxy_allow_ips"));
                server.dropAccepted(channel);
                return;
            }
            proxy = new ProxyProtocolChannel(channel, proxyProtocol);
        }
        Transport transport;
        try {
            transport = server.transport(proxy != null ? proxy : channel, output);
        } catch (IOException | RuntimeException e) {
            server.logger().error("Server {}: cannot set up TLS for a connection: {}", server.name(), e.toString());
            server.dropAccepted(channel);
            return;
        }
        Connection connection = new Connection(server, loop, channel, peer, proxy, transport, output);
        transport.resumeWith(() -> connection.loop.execute(connection::resume));
        server.pools().registered(connection);
        try {
            connection.key = channel.register(loop.selector(), SelectionKey.OP_READ, connection);
        } catch (ClosedChannelException e) {
            connection.close();
            return;
        }
        if (connection.draining()) {
            connection.drain();
        }
        connection.read();
    }

    @Override
    public void ready(SelectionKey readyKey) {
        int ops = readyKey.readyOps();
        if ((ops & SelectionKey.OP_WRITE) != 0) {
            flushPending();
        }
        if ((ops & SelectionKey.OP_READ) != 0) {
            readable();
        }
    }

    /** Input is there to read: reads it, if the connection may read now. */
    private void readable() {
        if (!closed && input.open() && !input.holding() && !awaitingSlot) {
            if (input.streaming() != null) {
                // the streaming application's pace decides; resumeStreaming reads again
                if (!input.streamPaused()) {
                    read();
                }
                return;
            }
            // a running task must end through the loop, which then resumes reading
            boolean taskRunning = task != TaskPhase.IDLE && endTaskThroughLoop();
            if (mayRead(taskRunning)) {
                read();
            } else {
                readPaused = true;
                updateInterest();
            }
        } else if (awaitingSlot && !closed) {
            // more input while it waits in line (hasSlot left the interest as it was): the
            // selector would report it again on every wakeup, so now it stops reading
            updateInterest();
        }
    }

    /**
     * Whether to read now: not while output is pending; while a task runs only to learn that
     * the client left (an asynchronous response waits) or to frame up to
     * {@code channel_request_lookahead} requests ahead.
     */
    private boolean mayRead(boolean taskRunning) {
        if (output.hasPending()) {
            return false;
        }
        return !taskRunning || asyncWaiting != null
                || input.batchSize() < server.adjustments().channelRequestLookahead();
    }

    private void read() {
        ByteBuffer buffer = loop.readBuffer(Math.max(server.adjustments().recvBytes(), transport.minimumReadBuffer()));
        int count;
        try {
            count = transport.read(buffer);
        } catch (PlainHttpOnTlsPortException e) {
            // answered in plain text, the one thing such a client can read
            input.refuse(400, e.getMessage());
            dispatch();
            updateInterest();
            return;
        } catch (IOException e) {
            server.socketError("read", e);
            close();
            return;
        }
        if (count < 0) {
            input.clientClosed();
            input.abandon("the client closed the connection before the body ended", 0);
            if (task == TaskPhase.IDLE && !input.hasBatch() && !output.hasPending()) {
                close();
            } else {
                endTaskThroughLoop();
                updateInterest();
                AsyncExchange waiting = asyncWaiting;
                if (waiting != null) {
                    waiting.connectionGone(false);
                }
            }
            return;
        }
        if (count == 0) {
            // a handshake may have moved on, and have records to send
            updateInterest();
            return;
        }
        lastActivityNanos = loop.now();
        if (!peerComplete) {
            // bytes of HTTP arrive only after the PROXY header and the TLS handshake
            if (proxy != null) {
                peer = peer.proxied(proxy.header());
            }
            peer = peer.withCertificates(transport.peerCertificates());
            peerComplete = true;
        }
        earn(count);
        server.metrics().received(count);
        buffer.flip();
        parse(buffer);
        if (transport.hasBufferedInput()) {
            updateInterest();
        }
    }

    /** The transport finished work off the loop (a handshake's crypto): it goes on. Loop thread. */
    private void resume() {
        if (!closed) {
            read();
        }
    }

    /** Reads what the transport holds, which the selector cannot report. */
    private void readBuffered() {
        bufferedReadScheduled = false;
        if (!closed && transport.hasBufferedInput()) {
            readable();
        }
    }

    /** Frames {@code buffer} and hands over what it completes; what may not be framed yet is held. */
    private void parse(ByteBuffer buffer) {
        input.frameAndHold(buffer, lastActivityNanos);
        if (input.hasBatch()) {
            dispatch();
        } else if (slot == Slot.WAITING && !awaitingSlot && input.requestBytes() > WAITING_REQUEST_BYTES) {
            // what it holds now costs memory: it reads on only once served
            hasSlot();
        }
    }

    /**
     * Makes a running task end through the loop (the phase moves to
     * {@link TaskPhase#ENDS_THROUGH_LOOP}); false when no task is running any more.
     */
    private boolean endTaskThroughLoop() {
        return task == TaskPhase.ENDS_THROUGH_LOOP
                || TASK.compareAndSet(this, TaskPhase.RUNNING, TaskPhase.ENDS_THROUGH_LOOP);
    }

    /** How the input asks the connection what it may do. Loop thread. */
    private final class Framing implements ConnectionInput.Owner {

        /**
         * Requests may be framed unless the connection waits for a slot; while a task runs, only
         * the body it streams, or up to {@code channel_request_lookahead} requests ahead of it
         * (and it must end through the loop).
         */
        @Override
        public boolean mayFrame() {
            if (awaitingSlot) {
                return false;
            }
            if (input.streaming() != null || task == TaskPhase.IDLE || !endTaskThroughLoop()) {
                return true;
            }
            return input.batchSize() < server.adjustments().channelRequestLookahead();
        }

        @Override
        public void streamingHead() {
            // the loop must learn when this task ends: it holds what follows the body
            dispatch(true);
        }

        @Override
        public void endsWithTask() {
            endTaskThroughLoop();
        }

        @Override
        public void streamPaused() {
            updateInterest();
        }

        @Override
        public void resumeStreaming() {
            Connection.this.resumeStreaming();
        }

        @Override
        public void route(ReceivedRequest request) {
            server.route(request, peer);
        }

        @Override
        public boolean draining() {
            return draining;
        }

        @Override
        public long now() {
            return loop.now();
        }
    }

    /** The streaming application caught up: frame what was held, then read again. Any thread. */
    private void resumeStreaming() {
        loop.execute(() -> {
            if (!input.streamPaused() || closed) {
                return;
            }
            input.streamResumed();
            ByteBuffer held = input.takeHeld();
            // with nothing held, still parse: the body's last bytes may have paused reading before
            // the parser could report its end, and no more bytes may ever come to make it
            parse(held != null ? held : ByteBuffer.allocate(0));
            updateInterest();
        });
    }

    private void dispatch() {
        dispatch(false);
    }

    /** Hands the batch to a task; {@code callBack}: the task must end through the loop. */
    private void dispatch(boolean callBack) {
        if (task != TaskPhase.IDLE && endTaskThroughLoop()) {
            // a streaming request's task runs: these wait for it, in order
            return;
        }
        if (!hasSlot()) {
            // admitted() dispatches it
            return;
        }
        List<ReceivedRequest> requests = input.takeBatch();
        boolean nonblocking = true;
        boolean streams = false;
        for (ReceivedRequest request : requests) {
            nonblocking &= request.nonblocking();
            streams |= request.streams();
        }
        // The loop must learn when the task ends: after the last request or the end of input, to
        // close the connection; and while it streams a body in, to drop what the application leaves.
        task = callBack || input.streamingInTask() || !input.open() ? TaskPhase.ENDS_THROUGH_LOOP : TaskPhase.RUNNING;
        if (input.lastRequestReceived()) {
            updateInterest();
        }
        Task job = new Task(server, this, requests);
        if (nonblocking) {
            job.run();
        } else if (streams || server.applicationCalls().virtual()) {
            // a streamed body this loop must go on reading, or worker_class=virtual: not on the loop's thread
            server.applicationCalls().runAway(job);
        } else {
            loop.call(job);
        }
    }

    /**
     * The task's call returned and left {@code exchange} waiting: the loop reads on, so that it
     * learns when the client leaves (what else arrives is held for after the answer). Any thread.
     */
    void awaitAsync(AsyncExchange exchange) {
        asyncWaiting = exchange;
        loop.execute(() -> {
            if (!closed && asyncWaiting == exchange) {
                readPaused = false;
                updateInterest();
            }
        });
    }

    /** The asynchronous response ended; its task goes on. Any thread. */
    void asyncEnded() {
        asyncWaiting = null;
    }

    /** Closes the connection on its loop's thread. Any thread. */
    void closeSoon() {
        loop.execute(this::close);
    }

    /** Called by the task when its batch is answered; any thread. */
    void taskDone(boolean close) {
        // the clock itself, not the loop's last wakeup: which connection finished first decides shedding
        lastActivityNanos = System.nanoTime();
        paidUntilNanos = lastActivityNanos;
        if (!close && !output.hasPending() && TASK.compareAndSet(this, TaskPhase.RUNNING, TaskPhase.IDLE)) {
            // the loop did not stop for anything: the connection is between requests
            releaseSlot();
            return;
        }
        if (loop.inLoop()) {
            afterTask(close);
        } else {
            loop.execute(() -> afterTask(close));
        }
    }

    private void afterTask(boolean close) {
        task = TaskPhase.IDLE;
        readPaused = false;
        if (close) {
            input.lastRequest();
        }
        if (closed) {
            return;
        }
        if (input.streaming() != null && input.streamingInTask()) {
            // the application returned without reading the whole body: nothing can follow it
            input.abandon("the application did not read the body", 0);
            input.lastRequest();
        }
        if (close && input.hasBatch()) {
            // read ahead of an answer that ended the connection: never answered, whatever it is
            input.abandon("the connection ends", 0);
            input.discardBatch();
        }
        ByteBuffer held = input.takeHeld();
        if (held != null && !input.lastRequestReceived()) {
            parse(held);
        } else if (input.hasBatch()) {
            // framed while the task ran: a request read ahead, or the head of a streamed one
            dispatch();
        }
        if (closed) {
            return;
        }
        if (task == TaskPhase.IDLE && !input.hasBatch() && !output.hasPending() && !input.open()) {
            close();
            return;
        }
        if (task == TaskPhase.IDLE) {
            releaseSlotBetweenRequests();
        }
        // reading was paused for the task (or for what it held); a new task reads ahead as ready() allows
        updateInterest();
    }

    /**
     * Queues {@code bytes} (consuming them) for the client. Writes at once, without blocking,
     * when nothing is pending; waits while more than {@code outbuf_high_watermark} bytes are
     * pending, so a client that does not read holds a bounded amount of memory. Bytes for a
     * closed connection are dropped.
     */
    void send(ByteBuffer bytes) {
        switch (output.send(bytes)) {
            case FLUSH -> loop.execute(this::flushPending);
            case FAILED -> closeSoon();
            case DONE -> {
                // written, or the loop flushes already
            }
        }
        long watermark = server.adjustments().outbufHighWatermark();
        if (output.above(watermark) && loop.mayWait()) {
            // An I/O loop never waits: its non-blocking applications write small responses; a
            // blocking call on the loop's thread has released the loop to wait.
            output.awaitDrain(watermark);
        }
    }

    /**
     * Queues {@code length} bytes of {@code file} for the loop to send after everything sent
     * before (with {@link java.nio.channels.FileChannel#transferTo} on a plain transport, a record
     * at a time through TLS); the file is closed once sent or when the connection closes.
     *
     * @throws IOException when the connection is closed already (the file is closed too)
     */
    void sendFile(FileChannel file, long position, long length) throws IOException {
        if (output.sendFile(file, position, length)) {
            loop.execute(this::flushPending);
        }
    }

    private void flushPending() {
        if (closed) {
            return;
        }
        boolean failed = false;
        try {
            earn(output.flush());
        } catch (IOException e) {
            server.socketError("write", e);
            failed = true;
        }
        boolean drained = !failed && !output.hasPending();
        lastActivityNanos = loop.now();
        boolean idle = task == TaskPhase.IDLE;
        if (failed) {
            close();
        } else if (drained && idle && !input.open()) {
            close();
        } else {
            if (drained && idle) {
                readPaused = false;
                releaseSlotBetweenRequests();
            }
            updateInterest();
            if (drained && transport.handshaking()) {
                // the handshake's records went out: it may have more to send before it reads
                read();
            }
        }
    }

    private void updateInterest() {
        if (closed || !key.isValid()) {
            return;
        }
        boolean writing = output.hasPending();
        boolean reading = !readPaused && !input.streamPaused() && !awaitingSlot && !input.holding() && input.open();
        key.interestOps((reading ? SelectionKey.OP_READ : 0) | (writing ? SelectionKey.OP_WRITE : 0));
        if (reading && !bufferedReadScheduled && transport.hasBufferedInput()) {
            bufferedReadScheduled = true;
            loop.execute(this::readBuffered);
        }
    }

    /**
     * Closes the connection if it has stalled since {@code deadline}: no traffic and either no
     * task running or output the client does not read (which releases the task waiting on it).
     * A request head that started arriving before the deadline and is still incomplete gets a
     * 408 however it trickles in, so a slow client cannot hold the connection for ever. A body
     * being buffered is bounded the same way, its deadline moved on by a second for every
     * {@value #MIN_BODY_RATE} bytes it brought, so a large upload over a slow link passes and a
     * trickle does not. Call on the loop's thread.
     */
    void sweep(long deadlineNanos) {
        if (transport.handshaking() && openedNanos - deadlineNanos < 0) {
            // a handshake is a head too: trickled or stalled, it gets channel_timeout
            close();
            return;
        }
        boolean idle = task == TaskPhase.IDLE;
        long headStart = input.headStartNanos();
        ReceivedRequest current = input.current();
        if (idle && headStart != 0 && headStart - deadlineNanos < 0) {
            input.headAnswered();
            input.refuse(408, "The request head did not arrive in time");
            dispatch();
        } else if (idle && current != null && current != input.streaming()
                && current.startNanos() + bodyAllowanceNanos(current.bodyLength()) - deadlineNanos < 0) {
            input.refuse(408, "The request body did not arrive in time");
            dispatch();
        } else if (lastActivityNanos - deadlineNanos < 0 && (idle || output.hasPending() || input.streaming() != null)) {
            close();
        }
    }

    /** The time a body of {@code received} bytes has earned beyond {@code channel_timeout}. */
    private static long bodyAllowanceNanos(long received) {
        return received / MIN_BODY_RATE * 1_000_000_000L;
    }

    /** The two ends of the socket. */
    Peer peer() {
        return peer;
    }

    /**
     * Lets the connection finish what is in flight and then close, as the server stops: a
     * response not yet begun says {@code Connection: close}, and so does the answer to the next
     * request if one arrives; a connection with no request in progress that stays silent for
     * {@link Server#DRAIN_SILENCE_MILLIS} is closed by {@link #closeIfSilentSince}. Call on the
     * loop's thread.
     */
    void drain() {
        if (!draining) {
            draining = true;
            drainStartNanos = loop.now();
        }
    }

    /** Whether the connection drains: responses from now on end it. Any thread. */
    boolean draining() {
        return draining || server.stopping();
    }

    /**
     * Closes a draining connection that has had no request in progress and no traffic since
     * {@code deadline}, nor since it started to drain: a client that sends its next request within
     * that silence gets it answered. Call on the loop's thread.
     */
    void closeIfSilentSince(long deadlineNanos) {
        if (draining && input.betweenRequests() && task == TaskPhase.IDLE && !output.hasPending()
                && lastActivityNanos - deadlineNanos < 0 && drainStartNanos - deadlineNanos < 0) {
            close();
        }
    }

    /** Earns the time {@code bytes} moved pay for against {@link #MIN_RATE}. Loop thread. */
    private void earn(long bytes) {
        long limit = loop.now() + MAX_AHEAD_NANOS;
        long paid = paidUntilNanos + bytes * NANOS_PER_BYTE;
        paidUntilNanos = paid - limit > 0 ? limit : paid;
    }

    /** Until when the connection has kept up with {@link #MIN_RATE}: the lowest is shed first. */
    long paidUntil() {
        return paidUntilNanos;
    }

    /**
     * Whether the connection is served, asking its pools for a slot if it is waiting; when none
     * is free it waits unread until {@link #admitted()}. Loop thread.
     */
    private boolean hasSlot() {
        Slot now = slot;
        if (now == Slot.SERVED) {
            return true;
        }
        if (now != Slot.WAITING || awaitingSlot) {
            // claimed to be shed or closed: nothing more is served; or already in line
            return false;
        }
        awaitingSlot = true;
        if (server.pools().admit(this)) {
            awaitingSlot = false;
            return true;
        }
        // Reading stops only if input arrives meanwhile (ready): a client that sends nothing
        // until answered, as most do, is admitted within moments, and two interest changes (two
        // system calls) per request in line would cost more than the rare wakeup for nothing.
        return false;
    }

    /** Takes a slot for the connection, from waiting; false if it is claimed or closed. Any thread. */
    boolean claimSlot() {
        return SLOT.compareAndSet(this, Slot.WAITING, Slot.SERVED);
    }

    /** Has the loop carry on with the connection, which got the slot it waited for. Any thread. */
    void admittedSoon() {
        loop.execute(this::admitted);
    }

    /** The slot waited for is the connection's: what waited for it goes on. Loop thread. */
    void admitted() {
        if (!loop.inLoop()) {
            // it moved to another loop meanwhile
            admittedSoon();
            return;
        }
        awaitingSlot = false;
        if (closed) {
            return;
        }
        boolean requests = input.hasBatch();
        if (requests) {
            // what is held behind the batch is framed when its task ends, but a streamed body now
            dispatch(input.holding() || input.streaming() != null);
        }
        if (input.holding() && (!requests || input.streaming() != null)) {
            parse(input.takeHeld());
        }
        updateInterest();
    }

    /**
     * Gives the slot back if no request is in service and no more than
     * {@value #WAITING_REQUEST_BYTES} bytes of the next one are held. Loop thread.
     */
    private void releaseSlotBetweenRequests() {
        if (slot == Slot.SERVED && task == TaskPhase.IDLE && !input.hasBatch() && input.streaming() == null
                && !input.holding() && input.requestBytes() <= WAITING_REQUEST_BYTES && !output.hasPending()) {
            releaseSlot();
        }
    }

    /** Gives the slot back: the connection waits for its next request. */
    private void releaseSlot() {
        if (SLOT.compareAndSet(this, Slot.SERVED, Slot.WAITING)) {
            server.pools().released();
        }
    }

    /** Whether the connection may be shed from the waiting pool: it holds no request waiting for a slot. */
    boolean sheddableWhileWaiting() {
        return slot == Slot.WAITING && !awaitingSlot;
    }

    /**
     * Whether the connection may be shed from the served pool: no application is answering it
     * (it writes a response, or receives a large request).
     */
    boolean sheddableWhileServed() {
        return slot == Slot.SERVED && task == TaskPhase.IDLE;
    }

    /** Claims the connection, now in {@code from}, to be shed; false if it has moved on. Any thread. */
    boolean claim(Slot from) {
        return SLOT.compareAndSet(this, from, Slot.CLAIMED);
    }

    /** Has the loop close the connection, claimed to be shed. Any thread. */
    void shedSoon() {
        loop.execute(this::shed);
    }

    private void shed() {
        if (!loop.inLoop()) {
            // it moved to another loop meanwhile
            shedSoon();
            return;
        }
        close();
    }

    /** What it is doing, for its server's status. Loop thread. */
    ConnectionPhase phase() {
        if (transport.handshaking() || (proxy != null && !proxy.headerRead())) {
            return ConnectionPhase.HANDSHAKE;
        }
        if (task != TaskPhase.IDLE || asyncWaiting != null || input.streaming() != null) {
            return ConnectionPhase.IN_APPLICATION;
        }
        if (output.hasPending()) {
            return ConnectionPhase.WRITING;
        }
        if (awaitingSlot || input.hasBatch()) {
            return ConnectionPhase.QUEUED;
        }
        if (input.readingHead()) {
            return ConnectionPhase.READING_HEAD;
        }
        return input.current() != null ? ConnectionPhase.READING_BODY : ConnectionPhase.IDLE;
    }

    /** Its status as {@code usher:connections} shows it. Loop thread. */
    ConnectionStatus status(long nowNanos) {
        String remote = peer.remotePort() == 0 ? peer.remoteAddress()
                : (peer.remoteAddress().indexOf(':') >= 0 ? "[" + peer.remoteAddress() + "]" : peer.remoteAddress())
                        + ":" + peer.remotePort();
        String kind = (transport instanceof TlsTransport ? "tls" : "plain") + (proxy != null ? "+proxy" : "");
        return new ConnectionStatus(server.name(), remote, kind, phase(), Duration.ofNanos(nowNanos - openedNanos),
                Duration.ofNanos(Math.max(0, nowNanos - lastActivityNanos)), loop.toString());
    }

    /** How many requests are framed and wait for a task; for tests, which read it from another thread. */
    int framedForTest() {
        return input.batchSize();
    }

    /** Whether a streamed request body is arriving; for tests, which read it from another thread. */
    boolean streamingForTest() {
        return input.streaming() != null;
    }

    /** Whether its request waits in line for a slot; for tests, which read it from another thread. */
    long pendingForTest() {
        return output.bufferedForTest();
    }

    boolean inLineForTest() {
        return awaitingSlot;
    }

    /** Whether the selector watches it for input; for tests. */
    boolean readInterestForTest() {
        return key != null && key.isValid() && (key.interestOps() & SelectionKey.OP_READ) != 0;
    }

    /** The loop that owns the connection now. */
    IoLoop loop() {
        return loop;
    }

    /**
     * Hands the connection to {@code target} if nothing is in progress on it (no task, no
     * streaming body, no output pending); otherwise leaves it for a later try. Call on the
     * current loop's thread.
     */
    void moveTo(IoLoop target) {
        if (closed || task != TaskPhase.IDLE || input.streaming() != null || output.hasPending() || awaitingSlot
                || slot == Slot.CLAIMED || bufferedReadScheduled || transport.handshaking()) {
            return;
        }
        int ops = key.interestOps();
        key.cancel();
        // from now on what other threads hand the connection goes to its new loop
        loop = target;
        target.execute(() -> {
            if (closed) {
                return;
            }
            try {
                key = channel.register(target.selector(), ops, this);
            } catch (ClosedChannelException e) {
                close();
            }
        });
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (key != null) {
            key.cancel();
        }
        output.close();
        AsyncExchange waiting = asyncWaiting;
        if (waiting != null) {
            waiting.connectionGone(draining);
        }
        input.abandon("the connection closed before the body ended", 0);
        input.discardBatch();
        server.pools().closed(this, (Slot) SLOT.getAndSet(this, Slot.CLOSED));
    }
}

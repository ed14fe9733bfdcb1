package dev.usher.dispatcher;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.atomic.AtomicInteger;

import dev.usher.config.Adjustments;
import dev.usher.http1.InvalidRequestException;
import dev.usher.http1.RequestParser;

/**
 * One client connection. Its I/O loop reads it, frames requests with a {@link RequestParser}
 * and hands each batch of complete requests to the application threads as one {@link Task};
 * while a batch is being answered, or output is pending, the loop reads no more from it
 * (waitress's {@code channel_request_lookahead} of 0), so a client cannot make the server
 * buffer without bound. Application threads add output with {@link #send}, which writes at
 * once when nothing is pending and queues the rest for the loop; only the loop closes the
 * socket. Every read and write goes through its {@link Transport} (plain or TLS), which alone
 * touches the socket.
 *
 * <p>The hand-back from the application thread costs no wakeup in the common case: read
 * interest stays registered while a task runs, and the task ends by moving {@link #state} from
 * {@code RUNNING} to {@code IDLE}. Only when the loop saw the client send more in the meantime
 * (it then stopped reading and marked the state), when output is pending, or when the
 * connection must close, is the loop called back.
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
    private final RequestParser parser;
    /** The two ends, and the client's certificates once a TLS handshake has finished. Loop thread. */
    private Peer peer;
    private boolean peerComplete;
    private SelectionKey key;
    /** When the connection was accepted: a TLS handshake must finish within {@code channel_timeout}. */
    private final long openedNanos;
    /** Whether a read of input the transport holds is scheduled. Loop thread. */
    private boolean bufferedReadScheduled;

    private static final int IDLE = 0;
    private static final int RUNNING = 1;
    private static final int RUNNING_LOOP_WAITING = 2;
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

    private static final VarHandle SLOT;

    static {
        try {
            SLOT = MethodHandles.lookup().findVarHandle(Connection.class, "slot", Slot.class);
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

    /** Whether a task is answering this connection, and whether the loop waits for its end. */
    private final AtomicInteger state = new AtomicInteger(IDLE);

    // Owned by the loop's thread.
    private ReceivedRequest current;
    private List<ReceivedRequest> batch = new ArrayList<>(4);
    private boolean readPaused;
    private boolean lastRequestReceived;
    /** When the head now arriving started to; 0 when none is arriving. */
    private long headStartNanos;
    private boolean inputEnded;
    private boolean closed;
    /** The request whose body a streaming application is reading as it arrives, or null. */
    private ReceivedRequest streaming;
    /** Whether the streaming application has fallen behind and the loop stopped reading. */
    private boolean streamPaused;
    /** Whether the task running answers {@link #streaming}, rather than one before it. */
    private boolean streamingInTask;
    /** Bytes read but not parsed yet, kept while a task runs; null when none. */
    private ByteBuffer held;
    /** Whether the server is stopping: the request arriving is the last one; read by tasks. */
    private volatile boolean draining;
    /** When the connection started to drain. */
    private long drainStartNanos;
    /** Written by the loop, and by a task as it ends. */
    private volatile long lastActivityNanos;

    // Guarded by output: shared between the loop and the application thread answering.
    private final OutputQueue pending;
    /**
     * Guards {@link #pending} and the output flags. A lock, not the monitor: a writer on a
     * virtual thread waiting for the client to read unmounts instead of pinning its carrier.
     */
    private final ReentrantLock output;
    /**
     * Signalled when pending output fell to the high watermark, or the output closed; made by
     * the first writer that waits (most connections never do). Guarded by output.
     */
    private Condition drained;
    private boolean outputClosed;
    private boolean waitingForDrain;
    /**
     * The asynchronous response the connection's task waits for, once its call returned: the
     * loop reads meanwhile to learn if the client leaves. Null otherwise.
     */
    private volatile AsyncExchange asyncWaiting;

    private Connection(Server server, IoLoop loop, SocketChannel channel, Transport transport, ReentrantLock output) {
        this.server = server;
        this.loop = loop;
        this.channel = channel;
        this.transport = transport;
        this.output = output;
        this.parser = new RequestParser(server.parserLimits());
        this.peer = Peer.of(channel);
        this.peerComplete = !transport.handshaking();
        this.pending = new OutputQueue(server.outputBuffers(), server.temporaryDirectory());
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
        Transport transport;
        try {
            transport = server.transport(channel, output);
        } catch (IOException | RuntimeException e) {
            server.logger().error("Server {}: cannot set up TLS for a connection: {}", server.name(), e.toString());
            server.dropAccepted(channel);
            return;
        }
        Connection connection = new Connection(server, loop, channel, transport, output);
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
        if (!closed && !lastRequestReceived && !inputEnded && held == null
                && !awaitingSlot) {
            if (streaming != null) {
                // the streaming application's pace decides; resumeStreaming reads again
                if (!streamPaused) {
                    read();
                }
            } else if (mayRead()) {
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
     * Whether to read now: not while output is pending; while a task runs (telling it to call
     * the loop back) only to frame up to {@code channel_request_lookahead} requests ahead.
     */
    private boolean mayRead() {
        // a running task must end through the loop, which then resumes reading
        boolean running = state.get() != IDLE && callMeBack();
        if (hasPending()) {
            return false;
        }
        return !running || asyncWaiting != null || batch.size() < server.adjustments().channelRequestLookahead();
    }

    private void read() {
        Adjustments adjustments = server.adjustments();
        ByteBuffer buffer = loop.readBuffer(Math.max(adjustments.recvBytes(), transport.minimumReadBuffer()));
        int count;
        try {
            count = transport.read(buffer);
        } catch (PlainHttpOnTlsPortException e) {
            // answered in plain text, the one thing such a client can read
            refuse(400, e.getMessage());
            dispatch();
            updateInterest();
            return;
        } catch (IOException e) {
            server.socketError("read", e);
            close();
            return;
        }
        if (count < 0) {
            inputEnded = true;
            abandonInput("the client closed the connection before the body ended", 0);
            if (state.get() == IDLE && batch.isEmpty() && !hasPending()) {
                close();
            } else {
                callMeBack();
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
            peer = peer.withCertificates(transport.peerCertificates());
            peerComplete = true;
        }
        earn(count);
        buffer.flip();
        if (parser.idle()) {
            parser.limits(server.parserLimits());
        }
        parse(buffer, adjustments);
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

    /** Parses {@code buffer} and hands over what it completes; what may not be parsed yet is held. */
    private void parse(ByteBuffer buffer, Adjustments adjustments) {
        frame(buffer, adjustments);
        if (buffer.hasRemaining() && !lastRequestReceived) {
            ByteBuffer rest = ByteBuffer.allocate(buffer.remaining());
            held = rest.put(buffer).flip();
        }
        if (headStartNanos == 0 && parser.readingHead()) {
            headStartNanos = lastActivityNanos;
        }
        if (!batch.isEmpty()) {
            dispatch();
        } else if (slot == Slot.WAITING && !awaitingSlot && requestBytes() > WAITING_REQUEST_BYTES) {
            // what it holds now costs memory: it reads on only once served
            hasSlot();
        }
    }

    /** The bytes of the request arriving that the connection holds: head so far or body buffered. */
    private long requestBytes() {
        return parser.readingHead() ? parser.headBytes() : current == null ? 0 : current.bodyLength();
    }

    /**
     * Whether requests may be framed now: while a task runs, only the body it streams, or up to
     * {@code channel_request_lookahead} requests ahead of it (and it must call the loop back).
     */
    private boolean mayFrame() {
        if (awaitingSlot) {
            return false;
        }
        if (streaming != null || state.get() == IDLE || !callMeBack()) {
            return true;
        }
        return batch.size() < server.adjustments().channelRequestLookahead();
    }

    /** Makes a running task end through the loop; false when no task is running any more. */
    private boolean callMeBack() {
        return state.get() == RUNNING_LOOP_WAITING || state.compareAndSet(RUNNING, RUNNING_LOOP_WAITING);
    }

    private void frame(ByteBuffer buffer, Adjustments adjustments) {
        try {
            while (!lastRequestReceived && mayFrame()) {
                switch (parser.next(buffer)) {
                    case NEED_INPUT:
                        return;
                    case HEAD:
                        current = ReceivedRequest.of(parser.head(), adjustments.inbufOverflow());
                        current.started(headStartNanos != 0 ? headStartNanos : loop.now());
                        headStartNanos = 0;
                        server.route(current, peer);
                        if (current.head().expectContinue()) {
                            // after the answers to the requests before it, before its own
                            batch.add(ReceivedRequest.continueFor(current.head()));
                        }
                        if (current.streams() && current.head().hasBody()) {
                            streaming = current;
                            current.stream(new StreamingBody(this::resumeStreaming));
                            batch.add(current);
                            // the loop must learn when this task ends: it holds what follows the body
                            dispatch(true);
                        }
                        break;
                    case BODY:
                        if (current == streaming) {
                            streamPaused = streaming.streamingBody().offer(parser.body());
                            if (streamPaused) {
                                updateInterest();
                                return;
                            }
                        } else {
                            current.appendBody(parser.body());
                        }
                        break;
                    case END:
                        if (current == streaming) {
                            streaming.streamingBody().end();
                            streaming = null;
                            streamingInTask = false;
                        } else {
                            batch.add(current);
                        }
                        // Nothing after a request that ends the connection may be answered; its
                        // response says so (BufferedResponse asks ResponseWriter.draining()). A
                        // request refused once framed (its target) is answered with close too.
                        lastRequestReceived = !current.head().keepAlive() || current.isRefused() || draining;
                        current = null;
                        break;
                    default:
                        throw new IllegalStateException();
                }
            }
        } catch (InvalidRequestException e) {
            if (streaming != null) {
                // its application is answering already: it learns from the body, then the connection ends
                abandonInput("invalid request body: " + e.getMessage(), e.status());
                lastRequestReceived = true;
                callMeBack();
            } else {
                refuse(e.status(), e.getMessage());
            }
        } catch (IOException e) {
            server.logger().error("Cannot buffer a request body", e);
            refuse(500, "The request body could not be buffered");
        }
    }

    /** The streaming application caught up: frame what was held, then read again. Any thread. */
    private void resumeStreaming() {
        loop.execute(() -> {
            if (!streamPaused || closed) {
                return;
            }
            streamPaused = false;
            ByteBuffer input = held;
            held = null;
            // with nothing held, still parse: the body's last bytes may have paused reading before
            // the parser could report its end, and no more bytes may ever come to make it
            parse(input != null ? input : ByteBuffer.allocate(0), server.adjustments());
            updateInterest();
        });
    }

    private void refuse(int status, String message) {
        abandonInput("the request was refused", status);
        batch.add(ReceivedRequest.refused(status, message));
        lastRequestReceived = true;
    }

    /** Drops the request arriving, if any: its body, the stream its application reads, what was held. */
    private void abandonInput(String why, int status) {
        if (streaming != null) {
            streaming.streamingBody().fail(new BodyAbortedException(why, status));
            streaming = null;
            streamingInTask = false;
        }
        if (current != null) {
            current.discard();
            current = null;
        }
        held = null;
    }

    private void dispatch() {
        dispatch(false);
    }

    /** Hands the batch to a task; {@code callBack}: the task must end through the loop. */
    private void dispatch(boolean callBack) {
        if (state.get() != IDLE && callMeBack()) {
            // a streaming request's task runs: these wait for it, in order
            return;
        }
        if (!hasSlot()) {
            // admitted() dispatches it
            return;
        }
        List<ReceivedRequest> requests = batch;
        batch = new ArrayList<>(4);
        boolean nonblocking = true;
        boolean streams = false;
        for (ReceivedRequest request : requests) {
            nonblocking &= request.nonblocking();
            streams |= request.streams();
            streamingInTask |= request == streaming;
        }
        // The loop must learn when the task ends: after the last request or the end of input, to
        // close the connection; and while it streams a body in, to drop what the application leaves.
        state.set(callBack || streamingInTask || lastRequestReceived || inputEnded ? RUNNING_LOOP_WAITING : RUNNING);
        if (lastRequestReceived) {
            updateInterest();
        }
        Task task = new Task(server, this, requests);
        if (nonblocking) {
            task.run();
        } else if (streams || server.applicationCalls().virtual()) {
            // a streamed body this loop must go on reading, or worker_class=virtual: not on the loop's thread
            server.applicationCalls().runAway(task);
        } else {
            loop.call(task);
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
        if (!close && !hasPending() && state.compareAndSet(RUNNING, IDLE)) {
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
        state.set(IDLE);
        readPaused = false;
        lastRequestReceived |= close;
        if (closed) {
            return;
        }
        if (streaming != null && streamingInTask) {
            // the application returned without reading the whole body: nothing can follow it
            abandonInput("the application did not read the body", 0);
            lastRequestReceived = true;
        }
        if (close && !batch.isEmpty()) {
            // read ahead of an answer that ended the connection: never answered, whatever it is
            abandonInput("the connection ends", 0);
            batch.forEach(ReceivedRequest::discard);
            batch.clear();
        }
        ByteBuffer input = held;
        held = null;
        if (input != null && !lastRequestReceived) {
            parse(input, server.adjustments());
        } else if (!batch.isEmpty()) {
            // framed while the task ran: a request read ahead, or the head of a streamed one
            dispatch();
        }
        if (closed) {
            return;
        }
        if (state.get() == IDLE && batch.isEmpty() && !hasPending() && (lastRequestReceived || inputEnded)) {
            close();
            return;
        }
        if (state.get() == IDLE) {
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
        boolean scheduleFlush = false;
        output.lock();
        try {
            if (outputClosed) {
                bytes.position(bytes.limit());
                return;
            }
            if (pending.isEmpty()) {
                try {
                    while (bytes.hasRemaining() && transport.write(bytes) > 0) {
                        // keep writing while the socket takes bytes
                    }
                } catch (IOException e) {
                    server.socketError("write", e);
                    outputClosed = true;
                    bytes.position(bytes.limit());
                    return;
                }
                // a TLS record the socket took in part: the loop sends the rest
                scheduleFlush = transport.hasBufferedOutput();
            }
            if (bytes.hasRemaining()) {
                scheduleFlush |= pending.isEmpty();
                try {
                    pending.append(bytes, server.adjustments().outbufOverflow());
                } catch (IOException e) {
                    server.logger().error("Cannot buffer a response; closing the connection", e);
                    outputClosed = true;
                    pending.clear();
                    bytes.position(bytes.limit());
                    closeSoon();
                    return;
                }
            }
        } finally {
            output.unlock();
        }
        if (scheduleFlush) {
            loop.execute(this::flushPending);
        }
        long watermark = server.adjustments().outbufHighWatermark();
        if (pendingAbove(watermark) && loop.mayWait()) {
            // An I/O loop never waits: its non-blocking applications write small responses; a
            // blocking call on the loop's thread has released the loop to wait.
            awaitDrain(watermark);
        }
    }

    /**
     * Queues {@code length} bytes of {@code file} for the loop to send with
     * {@link java.nio.channels.FileChannel#transferTo}, after everything sent before; the file is
     * closed once sent or when the connection closes.
     *
     * @throws IOException when the connection is closed already (the file is closed too)
     */
    void sendFile(FileChannel file, long position, long length) throws IOException {
        boolean scheduleFlush;
        output.lock();
        try {
            if (outputClosed) {
                file.close();
                throw new IOException("the connection is closed");
            }
            scheduleFlush = pending.isEmpty();
            pending.appendFile(file, position, length);
        } finally {
            output.unlock();
        }
        if (scheduleFlush) {
            loop.execute(this::flushPending);
        }
    }

    private void awaitDrain(long watermark) {
        boolean interrupted = false;
        output.lock();
        try {
            while (pending.buffered() > watermark && !outputClosed) {
                waitingForDrain = true;
                if (drained == null) {
                    drained = output.newCondition();
                }
                try {
                    drained.await();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            output.unlock();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean pendingAbove(long watermark) {
        output.lock();
        try {
            return pending.buffered() > watermark && !outputClosed;
        } finally {
            output.unlock();
        }
    }

    private boolean hasPending() {
        output.lock();
        try {
            return !pending.isEmpty() || transport.hasBufferedOutput();
        } finally {
            output.unlock();
        }
    }

    private void flushPending() {
        if (closed) {
            return;
        }
        boolean drained;
        boolean failed = false;
        output.lock();
        try {
            try {
                if (transport.flush()) {
                    earn(pending.writeTo(transport, server.adjustments().sendBytes()));
                }
            } catch (IOException e) {
                server.socketError("write", e);
                failed = true;
            }
            if (waitingForDrain && pending.buffered() <= server.adjustments().outbufHighWatermark()) {
                waitingForDrain = false;
                this.drained.signalAll();
            }
            drained = pending.isEmpty() && !transport.hasBufferedOutput();
        } finally {
            output.unlock();
        }
        lastActivityNanos = loop.now();
        boolean idle = state.get() == IDLE;
        if (failed) {
            close();
        } else if (drained && idle && (lastRequestReceived || inputEnded)) {
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
        boolean output = hasPending();
        boolean reading = !readPaused && !streamPaused && !awaitingSlot && held == null && !lastRequestReceived
                && !inputEnded;
        key.interestOps((reading ? SelectionKey.OP_READ : 0) | (output ? SelectionKey.OP_WRITE : 0));
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
        boolean idle = state.get() == IDLE;
        if (idle && headStartNanos != 0 && parser.readingHead() && headStartNanos - deadlineNanos < 0) {
            headStartNanos = 0;
            refuse(408, "The request head did not arrive in time");
            dispatch();
        } else if (idle && current != null && current != streaming
                && current.startNanos() + bodyAllowanceNanos(current.bodyLength()) - deadlineNanos < 0) {
            refuse(408, "The request body did not arrive in time");
            dispatch();
        } else if (lastActivityNanos - deadlineNanos < 0 && (idle || hasPending() || streaming != null)) {
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
        if (draining && betweenRequests() && state.get() == IDLE && !hasPending()
                && lastActivityNanos - deadlineNanos < 0 && drainStartNanos - deadlineNanos < 0) {
            close();
        }
    }

    /** Whether no byte of a next request has arrived and nothing received waits to be answered. */
    private boolean betweenRequests() {
        return parser.idle() && current == null && streaming == null && held == null && batch.isEmpty();
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
        boolean requests = !batch.isEmpty();
        if (requests) {
            // what is held behind the batch is framed when its task ends, but a streamed body now
            dispatch(held != null || streaming != null);
        }
        if (held != null && (!requests || streaming != null)) {
            ByteBuffer input = held;
            held = null;
            parse(input, server.adjustments());
        }
        updateInterest();
    }

    /**
     * Gives the slot back if no request is in service and no more than
     * {@value #WAITING_REQUEST_BYTES} bytes of the next one are held. Loop thread.
     */
    private void releaseSlotBetweenRequests() {
        if (slot == Slot.SERVED && state.get() == IDLE && batch.isEmpty() && streaming == null && held == null
                && requestBytes() <= WAITING_REQUEST_BYTES && !hasPending()) {
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
        return slot == Slot.SERVED && state.get() == IDLE;
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

    /** How many requests are framed and wait for a task; for tests, which read it from another thread. */
    int framedForTest() {
        return batch.size();
    }

    /** Whether a streamed request body is arriving; for tests, which read it from another thread. */
    boolean streamingForTest() {
        return streaming != null;
    }

    /** Whether its request waits in line for a slot; for tests, which read it from another thread. */
    long pendingForTest() {
        output.lock();
        try {
            return pending.buffered();
        } finally {
            output.unlock();
        }
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
        if (closed || state.get() != IDLE || streaming != null || hasPending() || awaitingSlot
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
        output.lock();
        try {
            outputClosed = true;
            pending.clear();
            transport.close();
            if (drained != null) {
                drained.signalAll();
            }
        } finally {
            output.unlock();
        }
        AsyncExchange waiting = asyncWaiting;
        if (waiting != null) {
            waiting.connectionGone(draining);
        }
        abandonInput("the connection closed before the body ended", 0);
        batch.forEach(ReceivedRequest::discard);
        batch.clear();
        server.pools().closed(this, (Slot) SLOT.getAndSet(this, Slot.CLOSED));
    }
}

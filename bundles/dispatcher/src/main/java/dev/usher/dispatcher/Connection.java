package dev.usher.dispatcher;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
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
 * socket.
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
 */
final class Connection implements Selectable {

    private final Server server;
    /** The loop that owns it; changes only when a retiring loop hands it over. */
    private volatile IoLoop loop;
    private final SocketChannel channel;
    private final RequestParser parser;
    private final Peer peer;
    private SelectionKey key;

    private static final int IDLE = 0;
    private static final int RUNNING = 1;
    private static final int RUNNING_LOOP_WAITING = 2;
    /**
     * Bytes a second a request body must average, past its first {@code channel_timeout}: the
     * rate Apache's mod_reqtimeout asks of bodies by default, low enough for any real link.
     */
    static final int MIN_BODY_RATE = 500;

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
    /** Bytes read but not parsed yet, kept while a task runs; null when none. */
    private ByteBuffer held;
    /** Whether the server is stopping: the request arriving is the last one. */
    private boolean draining;
    /** Whether any byte has arrived on the connection. */
    private boolean used;
    /** Written by the loop, and by a task as it ends. */
    private volatile long lastActivityNanos;

    // Guarded by this: shared between the loop and the application thread answering.
    private final OutputQueue pending;
    private boolean outputClosed;
    private boolean waitingForDrain;

    private Connection(Server server, IoLoop loop, SocketChannel channel) {
        this.server = server;
        this.loop = loop;
        this.channel = channel;
        this.parser = new RequestParser(server.parserLimits());
        this.peer = Peer.of(channel);
        this.pending = new OutputQueue(server.outputBuffers(), server.temporaryDirectory());
        this.lastActivityNanos = loop.now();
    }

    /** Registers a newly accepted socket with {@code loop}; call on that loop's thread. */
    static void open(Server server, IoLoop loop, SocketChannel channel) {
        Connection connection = new Connection(server, loop, channel);
        try {
            connection.key = channel.register(loop.selector(), SelectionKey.OP_READ, connection);
        } catch (ClosedChannelException e) {
            connection.close();
        }
    }

    @Override
    public void ready(SelectionKey readyKey) {
        int ops = readyKey.readyOps();
        if ((ops & SelectionKey.OP_WRITE) != 0) {
            flushPending();
        }
        if ((ops & SelectionKey.OP_READ) != 0 && !closed && !lastRequestReceived && !inputEnded && held == null) {
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
        return !running || batch.size() < server.adjustments().channelRequestLookahead();
    }

    private void read() {
        Adjustments adjustments = server.adjustments();
        ByteBuffer buffer = loop.readBuffer(adjustments.recvBytes());
        int count;
        try {
            count = channel.read(buffer);
        } catch (IOException e) {
            server.socketError("read", e);
            close();
            return;
        }
        if (count < 0) {
            inputEnded = true;
            abandonInput("the client closed the connection before the body ended");
            if (state.get() == IDLE && !hasPending()) {
                close();
            } else {
                callMeBack();
                updateInterest();
            }
            return;
        }
        if (count == 0) {
            return;
        }
        lastActivityNanos = loop.now();
        used = true;
        buffer.flip();
        if (parser.idle()) {
            parser.limits(server.parserLimits());
        }
        parse(buffer, adjustments);
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
        }
    }

    /**
     * Whether requests may be framed now: while a task runs, only the body it streams, or up to
     * {@code channel_request_lookahead} requests ahead of it (and it must call the loop back).
     */
    private boolean mayFrame() {
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
                        } else {
                            batch.add(current);
                        }
                        // Nothing after a request that ends the connection may be answered.
                        lastRequestReceived = !current.head().keepAlive() || draining;
                        current = null;
                        break;
                    default:
                        throw new IllegalStateException();
                }
            }
        } catch (InvalidRequestException e) {
            if (streaming != null) {
                // its application is answering already: it learns from the body, then the connection ends
                abandonInput("invalid request body: " + e.getMessage());
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
            if (input != null) {
                parse(input, server.adjustments());
            }
            updateInterest();
        });
    }

    private void refuse(int status, String message) {
        abandonInput("the request was refused");
        batch.add(ReceivedRequest.refused(status, message));
        lastRequestReceived = true;
    }

    /** Drops the request arriving, if any: its body, the stream its application reads, what was held. */
    private void abandonInput(String why) {
        if (streaming != null) {
            streaming.streamingBody().fail(new IOException(why));
            streaming = null;
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
        state.set(callBack ? RUNNING_LOOP_WAITING : RUNNING);
        if (lastRequestReceived) {
            updateInterest();
        }
        List<ReceivedRequest> requests = batch;
        batch = new ArrayList<>(4);
        boolean nonblocking = true;
        for (ReceivedRequest request : requests) {
            nonblocking &= request.nonblocking();
        }
        server.execute(new Task(server, this, requests), nonblocking);
    }

    /** Called by the task when its batch is answered; any thread. */
    void taskDone(boolean close) {
        lastActivityNanos = loop.now();
        if (!close && !hasPending() && state.compareAndSet(RUNNING, IDLE)) {
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
        if (streaming != null) {
            // the application returned without reading the whole body: nothing can follow it
            abandonInput("the application did not read the body");
            lastRequestReceived = true;
        }
        ByteBuffer input = held;
        held = null;
        if (input != null && !lastRequestReceived) {
            parse(input, server.adjustments());
            if (closed || state.get() != IDLE) {
                return;
            }
        } else if (!batch.isEmpty()) {
            dispatch();
            return;
        }
        if (!hasPending() && (lastRequestReceived || inputEnded)) {
            close();
        } else {
            updateInterest();
        }
    }

    /**
     * Queues {@code bytes} (consuming them) for the client. Writes at once, without blocking,
     * when nothing is pending; waits while more than {@code outbuf_high_watermark} bytes are
     * pending, so a client that does not read holds a bounded amount of memory. Bytes for a
     * closed connection are dropped.
     */
    void send(ByteBuffer bytes) {
        boolean scheduleFlush = false;
        synchronized (this) {
            if (outputClosed) {
                bytes.position(bytes.limit());
                return;
            }
            if (pending.isEmpty()) {
                try {
                    while (bytes.hasRemaining() && channel.write(bytes) > 0) {
                        // keep writing while the socket takes bytes
                    }
                } catch (IOException e) {
                    server.socketError("write", e);
                    outputClosed = true;
                    bytes.position(bytes.limit());
                    return;
                }
            }
            if (bytes.hasRemaining()) {
                scheduleFlush = pending.isEmpty();
                try {
                    pending.append(bytes, server.adjustments().outbufOverflow());
                } catch (IOException e) {
                    server.logger().error("Cannot buffer a response; closing the connection", e);
                    outputClosed = true;
                    pending.clear();
                    bytes.position(bytes.limit());
                    loop.execute(this::close);
                    return;
                }
            }
        }
        if (scheduleFlush) {
            loop.execute(this::flushPending);
        }
        if (!loop.inLoop()) {
            // An I/O loop never waits: its non-blocking applications write small responses.
            awaitDrain(server.adjustments().outbufHighWatermark());
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
        synchronized (this) {
            if (outputClosed) {
                file.close();
                throw new IOException("the connection is closed");
            }
            scheduleFlush = pending.isEmpty();
            pending.appendFile(file, position, length);
        }
        if (scheduleFlush) {
            loop.execute(this::flushPending);
        }
    }

    private synchronized void awaitDrain(long watermark) {
        boolean interrupted = false;
        while (pending.buffered() > watermark && !outputClosed) {
            waitingForDrain = true;
            try {
                wait();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized boolean hasPending() {
        return !pending.isEmpty();
    }

    private void flushPending() {
        if (closed) {
            return;
        }
        boolean drained;
        boolean failed = false;
        synchronized (this) {
            try {
                pending.writeTo(channel, server.adjustments().sendBytes());
            } catch (IOException e) {
                server.socketError("write", e);
                failed = true;
            }
            if (waitingForDrain && pending.buffered() <= server.adjustments().outbufHighWatermark()) {
                waitingForDrain = false;
                notifyAll();
            }
            drained = pending.isEmpty();
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
            }
            updateInterest();
        }
    }

    private void updateInterest() {
        if (closed || !key.isValid()) {
            return;
        }
        boolean output = hasPending();
        boolean reading = !readPaused && !streamPaused && held == null && !lastRequestReceived && !inputEnded;
        key.interestOps((reading ? SelectionKey.OP_READ : 0) | (output ? SelectionKey.OP_WRITE : 0));
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
     * Lets the connection finish what is in flight and then close, as the server stops: an idle
     * one closes now; one with a request arriving or being answered closes after that answer.
     * Call on the loop's thread.
     */
    void drain() {
        draining = true;
        if (!used) {
            // just accepted: its first request may be on its way; it gets answered, then closed
            return;
        }
        if (parser.idle() && current == null && streaming == null) {
            lastRequestReceived = true;
            if (state.get() == IDLE && !hasPending()) {
                close();
            } else {
                callMeBack();
                updateInterest();
            }
        }
    }

    /** Closes a connection of a stopping server that sent nothing since {@code deadline}. */
    void closeIfSilentSince(long deadlineNanos) {
        if (draining && !used && lastActivityNanos - deadlineNanos < 0) {
            close();
        }
    }

    /**
     * Hands the connection to {@code target} if nothing is in progress on it (no task, no
     * streaming body, no output pending); otherwise leaves it for a later try. Call on the
     * current loop's thread.
     */
    void moveTo(IoLoop target) {
        if (closed || state.get() != IDLE || streaming != null || hasPending()) {
            return;
        }
        int ops = key.interestOps();
        key.cancel();
        target.execute(() -> {
            loop = target;
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
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing is all that was wanted
        }
        synchronized (this) {
            outputClosed = true;
            pending.clear();
            notifyAll();
        }
        abandonInput("the connection closed before the body ended");
        batch.forEach(ReceivedRequest::discard);
        batch.clear();
        server.connectionClosed();
    }
}

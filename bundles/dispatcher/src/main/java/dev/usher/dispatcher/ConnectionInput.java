package dev.usher.dispatcher;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import dev.usher.http1.InvalidRequestException;
import dev.usher.http1.RequestParser;

/**
 * The inbound half of a {@link Connection}: bytes from the client framed into requests with a
 * {@link RequestParser}. Complete requests gather in a batch for the connection to hand to a
 * {@link Task}; a request to a streaming application is handed over at its head, and its body
 * goes to the {@link StreamingBody} its application reads; bytes that may not be framed yet
 * (a task runs, the connection waits for a slot) are held. Confined to the connection's loop.
 *
 * <p>What may be framed when is the connection's policy, asked through {@link Owner}.
 */
final class ConnectionInput {

    /** How far the client's input goes on. */
    enum Phase {
        /** Reading and framing. */
        OPEN,
        /** The client closed its side: nothing more is read; what arrived is framed and answered. */
        CLIENT_CLOSED,
        /**
         * The last request the connection answers has arrived (it asked to close, was refused,
         * or the server drains): nothing more is read or framed.
         */
        LAST_REQUEST
    }

    /** What the input asks of its connection while it frames. */
    interface Owner {

        /** Whether requests may be framed now. */
        boolean mayFrame();

        /** A streaming request's head was framed, now in the batch: its task must start. */
        void streamingHead();

        /** The connection ends with the task running: it must end through the loop. */
        void endsWithTask();

        /** The streaming application fell behind: the connection must stop reading. */
        void streamPaused();

        /** The streaming application caught up: framing and reading go on. Any thread. */
        void resumeStreaming();

        /** Routes a request whose head was framed to its application. */
        void route(ReceivedRequest request);

        /** Whether the server drains: the request arriving is the last one. */
        boolean draining();

        /** The loop's clock. */
        long now();
    }

    private final Owner owner;
    private final Server server;
    private final RequestParser parser;
    private Phase phase = Phase.OPEN;
    /** The request arriving, its head framed; null between requests. */
    private ReceivedRequest current;
    /** Requests framed, waiting for a task. */
    private List<ReceivedRequest> batch = new ArrayList<>(4);
    /** Bytes read but not framed yet, kept while a task runs; null when none. */
    private ByteBuffer held;
    /** When the head now arriving started to; 0 when none is arriving. */
    private long headStartNanos;
    /** The request whose body a streaming application is reading as it arrives, or null. */
    private ReceivedRequest streaming;
    /** Whether the streaming application has fallen behind and reading stopped. */
    private boolean streamPaused;
    /** Whether the task running answers {@link #streaming}, rather than one before it. */
    private boolean streamingInTask;

    ConnectionInput(Owner owner, Server server) {
        this.owner = owner;
        this.server = server;
        this.parser = new RequestParser(server.parserLimits());
    }

    /**
     * Frames what {@code buffer} holds, as far as the owner allows, and holds what it may not
     * frame yet; {@code arrivedNanos}: when the bytes arrived, the start of a head among them.
     */
    void frameAndHold(ByteBuffer buffer, long arrivedNanos) {
        if (parser.idle()) {
            parser.limits(server.parserLimits());
        }
        frame(buffer);
        if (buffer.hasRemaining() && phase != Phase.LAST_REQUEST) {
            ByteBuffer rest = ByteBuffer.allocate(buffer.remaining());
            held = rest.put(buffer).flip();
        }
        if (headStartNanos == 0 && parser.readingHead()) {
            headStartNanos = arrivedNanos;
        }
    }

    private void frame(ByteBuffer buffer) {
        try {
            while (phase != Phase.LAST_REQUEST && owner.mayFrame()) {
                switch (parser.next(buffer)) {
                    case NEED_INPUT:
                        return;
                    case HEAD:
                        head();
                        break;
                    case BODY:
                        if (current == streaming) {
                            streamPaused = streaming.streamingBody().offer(parser.body());
                            if (streamPaused) {
                                owner.streamPaused();
                                return;
                            }
                        } else {
                            if (current.appendBody(parser.body())) {
                                server.metrics().spilledRequest();
                            }
                        }
                        break;
                    case END:
                        end();
                        break;
                    default:
                        throw new IllegalStateException();
                }
            }
        } catch (InvalidRequestException e) {
            if (streaming != null) {
                // its application is answering already: it learns from the body, then the connection ends
                abandon("invalid request body: " + e.getMessage(), e.status());
                phase = Phase.LAST_REQUEST;
                owner.endsWithTask();
            } else {
                refuse(e.status(), e.getMessage());
            }
        } catch (IOException e) {
            server.logger().error("Cannot buffer a request body", e);
            refuse(500, "The request body could not be buffered");
        }
    }

    private void head() {
        current = ReceivedRequest.of(parser.head(), server.adjustments().inbufOverflow());
        current.started(headStartNanos != 0 ? headStartNanos : owner.now());
        headStartNanos = 0;
        owner.route(current);
        if (current.head().expectContinue()) {
            // after the answers to the requests before it, before its own
            batch.add(ReceivedRequest.continueFor(current.head()));
        }
        if (current.streams() && current.head().hasBody()) {
            streaming = current;
            current.stream(new StreamingBody(owner::resumeStreaming));
            batch.add(current);
            owner.streamingHead();
        }
    }

    private void end() {
        if (current == streaming) {
            streaming.streamingBody().end();
            streaming = null;
            streamingInTask = false;
        } else {
            batch.add(current);
        }
        // Nothing after a request that ends the connection may be answered; its response says
        // so (BufferedResponse asks ResponseWriter.draining()). A request refused once framed
        // (its target) is answered with close too.
        if (!current.head().keepAlive() || current.isRefused() || owner.draining()) {
            phase = Phase.LAST_REQUEST;
        }
        current = null;
    }

    /** Answers the request arriving with {@code status}, dropping its input: it is the last. */
    void refuse(int status, String message) {
        abandon("the request was refused", status);
        batch.add(ReceivedRequest.refused(status, message));
        phase = Phase.LAST_REQUEST;
    }

    /** Drops the request arriving, if any: its body, the stream its application reads, what was held. */
    void abandon(String why, int status) {
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

    /** Drops the batch too: it will never be answered. */
    void discardBatch() {
        batch.forEach(ReceivedRequest::discard);
        batch.clear();
    }

    /** Takes the batch for a task, which then answers the streaming request if it is in it. */
    List<ReceivedRequest> takeBatch() {
        List<ReceivedRequest> requests = batch;
        batch = new ArrayList<>(4);
        for (ReceivedRequest request : requests) {
            streamingInTask |= request == streaming;
        }
        return requests;
    }

    /** Takes what is held, or null. */
    ByteBuffer takeHeld() {
        ByteBuffer input = held;
        held = null;
        return input;
    }

    /** The client closed its side. */
    void clientClosed() {
        if (phase == Phase.OPEN) {
            phase = Phase.CLIENT_CLOSED;
        }
    }

    /** The request answered last ends the connection. */
    void lastRequest() {
        phase = Phase.LAST_REQUEST;
    }

    Phase phase() {
        return phase;
    }

    /** Whether more may be read: the phase is {@link Phase#OPEN}. */
    boolean open() {
        return phase == Phase.OPEN;
    }

    /** Whether the last request has arrived: nothing more is framed. */
    boolean lastRequestReceived() {
        return phase == Phase.LAST_REQUEST;
    }

    boolean hasBatch() {
        return !batch.isEmpty();
    }

    int batchSize() {
        return batch.size();
    }

    boolean holding() {
        return held != null;
    }

    /** The request whose body a streaming application reads as it arrives, or null. */
    ReceivedRequest streaming() {
        return streaming;
    }

    boolean streamPaused() {
        return streamPaused;
    }

    /** The streaming application caught up: framing may go on. */
    void streamResumed() {
        streamPaused = false;
    }

    /** Whether the task running answers the streaming request. */
    boolean streamingInTask() {
        return streamingInTask;
    }

    /** The request arriving, its head framed; null between requests. */
    ReceivedRequest current() {
        return current;
    }

    /** Whether a request head is arriving, and since when; 0 when none is. */
    long headStartNanos() {
        return parser.readingHead() ? headStartNanos : 0;
    }

    /** Forgets that a head is arriving: it is answered (408). */
    void headAnswered() {
        headStartNanos = 0;
    }

    /** The bytes of the request arriving held: its head so far, or its body buffered. */
    long requestBytes() {
        return parser.readingHead() ? parser.headBytes() : current == null ? 0 : current.bodyLength();
    }

    /** Whether part of a request head has arrived, not all of it. */
    boolean readingHead() {
        return parser.readingHead();
    }

    /** Whether no byte of a next request has arrived and nothing received waits to be answered. */
    boolean betweenRequests() {
        return parser.idle() && current == null && streaming == null && held == null && batch.isEmpty();
    }
}

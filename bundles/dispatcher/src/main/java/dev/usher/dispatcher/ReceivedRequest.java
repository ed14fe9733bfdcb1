package dev.usher.dispatcher;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

import dev.usher.buffers.OverflowableBuffer;
import dev.usher.http1.RequestHead;

/**
 * A request as the I/O loop received it: its head and its body, complete; the refusal of
 * input that could not be framed; or the {@code 100 Continue} a request with
 * {@code Expect: 100-continue} is owed, in its place among the answers. Owned by the loop until handed to a {@link Task}, which
 * {@linkplain #discard() discards} it after answering.
 */
final class ReceivedRequest {

    private final RequestHead head;
    private final int inbufOverflow;
    private int refusedStatus;
    private String refusedMessage;
    private OverflowableBuffer body;
    private StreamingBody streamingBody;
    private ServedRequest served;
    private long startNanos;

    private ReceivedRequest(RequestHead head, int refusedStatus, String refusedMessage, int inbufOverflow) {
        this.head = head;
        this.refusedStatus = refusedStatus;
        this.refusedMessage = refusedMessage;
        this.inbufOverflow = inbufOverflow;
    }

    /** A request whose body, if any, is kept in memory up to {@code inbufOverflow} bytes. */
    static ReceivedRequest of(RequestHead head, int inbufOverflow) {
        return new ReceivedRequest(head, 0, null, inbufOverflow);
    }

    /** Notes when the request started to arrive, for the access log. */
    void started(long nanos) {
        startNanos = nanos;
    }

    long startNanos() {
        return startNanos;
    }

    /** Input refused with {@code status}. */
    static ReceivedRequest refused(int status, String message) {
        return new ReceivedRequest(null, status, message, 0);
    }

    /** The interim {@code 100 Continue} owed to {@code head}, whose body the server will read. */
    static ReceivedRequest continueFor(RequestHead head) {
        return new ReceivedRequest(head, 100, null, 0);
    }

    /** Whether this is the interim {@code 100 Continue} rather than a request. */
    boolean isContinue() {
        return refusedStatus == 100;
    }

    /** The head; null when the input could not be framed. */
    RequestHead head() {
        return head;
    }

    /** Refuses a framed request with {@code status}; the connection closes after it. */
    void refuse(int status, String message) {
        refusedStatus = status;
        refusedMessage = message;
    }

    boolean isRefused() {
        return refusedStatus >= 400;
    }

    /** Records where the request was routed: null when nothing is mounted at its path. */
    void routed(ServedRequest request) {
        served = request;
    }

    /** The request as its application sees it; null for a refusal or when nothing is mounted. */
    ServedRequest served() {
        return served;
    }

    /** Whether answering it never blocks: a server-generated answer or a non-blocking application. */
    boolean nonblocking() {
        return served == null || (served.mount().nonblocking() && !served.mount().streaming());
    }

    /** Whether the connection waits for the application's answer: a routed request. */
    boolean routable() {
        return refusedStatus == 0;
    }

    int refusedStatus() {
        return refusedStatus;
    }

    String refusedMessage() {
        return refusedMessage;
    }

    /**
     * Appends body bytes, consuming them.
     *
     * @return whether the body went to a temporary file with these bytes ({@code inbuf_overflow})
     */
    boolean appendBody(ByteBuffer bytes) throws IOException {
        if (body == null) {
            body = new OverflowableBuffer(inbufOverflow);
        }
        boolean inMemory = !body.overflowed();
        body.write(bytes);
        return inMemory && body.overflowed();
    }

    /** Hands the body to a streaming application as it arrives, instead of buffering it. */
    void stream(StreamingBody streamed) {
        streamingBody = streamed;
    }

    StreamingBody streamingBody() {
        return streamingBody;
    }

    /** Whether it was routed to a streaming application. */
    boolean streams() {
        return served != null && served.mount().streaming();
    }

    /** The body's length; for a streaming body not yet complete, its declared length or -1. */
    long bodyLength() {
        if (streamingBody != null) {
            return streamingBody.ended() ? streamingBody.received() : Math.max(-1, head.contentLength());
        }
        return body == null ? 0 : body.length();
    }

    InputStream bodyStream() throws IOException {
        if (streamingBody != null) {
            return streamingBody;
        }
        // A fresh stream each time: an application may close the one it was given.
        return body == null ? InputStream.nullInputStream() : body.inputStream();
    }

    /** Releases the body and its temporary file, if any. Idempotent. */
    void discard() {
        if (body != null) {
            body.close();
        }
    }
}

package dev.usher.dispatcher;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.locks.ReentrantLock;

import dev.usher.api.AsyncResponse;
import dev.usher.api.HttpResponse;
import dev.usher.http1.ResponseFraming;
import dev.usher.http1.ResponseHead;
import dev.usher.http1.StatusReasons;

/**
 * The {@link HttpResponse} an application is handed. The body is buffered until the response
 * commits, so a response the application completes within {@value #COMMIT_THRESHOLD} bytes is
 * sent with {@code Content-Length}; a longer or flushed one streams, chunked for HTTP/1.1 and
 * close-delimited for HTTP/1.0 unless the application declared its length.
 *
 * <p>Once {@linkplain #startAsync asynchronous}, threads take turns with it: every public method
 * and the body stream take its lock, and it encodes into a writer of its own
 * ({@link AsyncExchange}).
 */
final class BufferedResponse implements HttpResponse {

    static final int COMMIT_THRESHOLD = 64 * 1024;

    private ResponseWriter writer;
    private final boolean headRequest;
    private final boolean http11;
    private final boolean keepAlive;
    private final BodyStream body = new BodyStream();

    private int status = 200;
    private String reason;
    private String[] fields = new String[8];
    private int fieldCount;
    private long declaredLength = -1;
    private byte[] buffered = new byte[0];
    private int bufferedLength;

    private boolean committed;
    private boolean sendsBody;
    private boolean chunked;
    private boolean close;
    private boolean finished;
    private long bodySent;
    private String problem;
    /** Starts an asynchronous response for this one; null where none may start. */
    private final AsyncExchange.Starter starter;
    /**
     * Set once asynchronous: then every call from outside takes it. Not volatile: it is set on
     * the calling thread before the {@link AsyncResponse} exists, and whatever hands that to
     * another thread publishes it too.
     */
    private ReentrantLock lock;
    private AsyncExchange exchange;

    /**
     * @param writer where the encoded response goes
     * @param headRequest whether the request was HEAD: the head of a GET, no body
     * @param http11 whether the client speaks HTTP/1.1 (so it can take chunked framing)
     * @param keepAlive whether the client lets the connection persist
     */
    BufferedResponse(ResponseWriter writer, boolean headRequest, boolean http11, boolean keepAlive) {
        this(writer, headRequest, http11, keepAlive, null);
    }

    /** @param starter what {@link #startAsync} calls; null where an asynchronous response cannot start */
    BufferedResponse(ResponseWriter writer, boolean headRequest, boolean http11, boolean keepAlive,
            AsyncExchange.Starter starter) {
        this.writer = writer;
        this.starter = starter;
        this.headRequest = headRequest;
        this.http11 = http11;
        this.keepAlive = keepAlive;
    }

    @Override
    public void status(int code) {
        enter();
        try {
            uncommitted();
            if (code < 200 || code > 599) {
                throw new IllegalArgumentException("status " + code + " is not from 200 to 599");
            }
            status = code;
            reason = null;
        } finally {
            exit();
        }
    }

    @Override
    public void status(int code, String reasonPhrase) {
        enter();
        try {
            status(code);
            reason = java.util.Objects.requireNonNull(reasonPhrase, "reason");
        } finally {
            exit();
        }
    }

    @Override
    public int status() {
        enter();
        try {
            return status;
        } finally {
            exit();
        }
    }

    @Override
    public void setHeader(String name, String value) {
        enter();
        try {
            uncommitted();
            String lower = checkedName(name);
            if (serverOwned(lower, value)) {
                return;
            }
            int kept = 0;
            for (int i = 0; i < fieldCount; i++) {
                if (!fields[2 * i].equalsIgnoreCase(name)) {
                    fields[2 * kept] = fields[2 * i];
                    fields[2 * kept + 1] = fields[2 * i + 1];
                    kept++;
                }
            }
            fieldCount = kept;
            append(name, value);
        } finally {
            exit();
        }
    }

    @Override
    public void addHeader(String name, String value) {
        enter();
        try {
            uncommitted();
            String lower = checkedName(name);
            if (!serverOwned(lower, value)) {
                append(name, value);
            }
        } finally {
            exit();
        }
    }

    @Override
    public void contentLength(long length) {
        enter();
        try {
            uncommitted();
            if (length < 0) {
                throw new IllegalArgumentException("negative length " + length);
            }
            declaredLength = length;
        } finally {
            exit();
        }
    }

    @Override
    public OutputStream body() {
        return body;
    }

    @Override
    public boolean committed() {
        enter();
        try {
            return committed;
        } finally {
            exit();
        }
    }

    @Override
    public AsyncResponse startAsync() {
        return start(null);
    }

    @Override
    public AsyncResponse startAsync(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout " + timeout + " is not positive");
        }
        return start(timeout);
    }

    private AsyncResponse start(Duration timeout) {
        if (starter == null) {
            throw new IllegalStateException("this response cannot become asynchronous");
        }
        if (exchange != null) {
            throw new IllegalStateException("the response is asynchronous already");
        }
        if (finished) {
            throw new IllegalStateException("the response is finished");
        }
        // What the task encoded so far leaves now, with the task's buffer: from here on other
        // threads write, through a writer of the response's own.
        writer.flush();
        writer = starter.writer();
        lock = new ReentrantLock();
        exchange = starter.start(this, timeout);
        return exchange;
    }

    /** The asynchronous response started for this one, or null. */
    AsyncExchange exchange() {
        return exchange;
    }

    /** The writer, to flush what was encoded. */
    ResponseWriter writer() {
        return writer;
    }

    /** Takes the lock of an asynchronous response; nothing for one answered within its call. */
    void enter() {
        ReentrantLock held = lock;
        if (held != null) {
            held.lock();
        }
    }

    /** As {@link #enter}, unless another thread holds the lock: then false, and nothing is held. */
    boolean tryEnter() {
        ReentrantLock held = lock;
        return held == null || held.tryLock();
    }

    void exit() {
        ReentrantLock held = lock;
        if (held != null) {
            held.unlock();
        }
    }

    /** The first value of the application's field {@code lowerName}, or null. */
    String header(String lowerName) {
        for (int i = 0; i < fieldCount; i++) {
            if (fields[2 * i].equalsIgnoreCase(lowerName)) {
                return fields[2 * i + 1];
            }
        }
        return null;
    }

    /** How many body bytes the application gave (what a HEAD response would have carried). */
    long bodyLength() {
        return committed ? bodySent : bufferedLength;
    }

    /** Whether the connection must close after this response (known once finished). */
    boolean closesConnection() {
        return close;
    }

    /** What went wrong with the application's response, or null. */
    String problem() {
        return problem;
    }

    /**
     * Replaces everything not yet committed with a short plain-text answer from the server.
     *
     * @param closeConnection whether the connection closes after it
     */
    void serverError(int code, String text, boolean closeConnection) {
        status = code;
        reason = null;
        fieldCount = 0;
        declaredLength = -1;
        bufferedLength = 0;
        append("Content-Type", "text/plain; charset=utf-8");
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        write(bytes, 0, bytes.length);
        close |= closeConnection;
    }

    @Override
    public void sendFile(FileChannel file, long position, long length) throws IOException {
        enter();
        try {
            if (position < 0 || length < 0) {
                throw new IllegalArgumentException("position " + position + ", length " + length);
            }
            if (finished) {
                throw new IOException("the response is finished");
            }
            if (!committed) {
                if (declaredLength < 0) {
                    declaredLength = bufferedLength + length;
                }
                commit(false);
            }
            if (!sendsBody || length == 0) {
                bodySent += length;
                file.close();
                return;
            }
            if (declaredLength >= 0 && bodySent + length > declaredLength) {
                problem = "the application sent more than its declared " + declaredLength + " bytes";
                close = true;
                length = declaredLength - bodySent;
            }
            if (chunked) {
                writer.chunkHeader(length);
                writer.file(file, position, length);
                writer.chunkEnd();
            } else {
                writer.file(file, position, length);
            }
            bodySent += length;
        } finally {
            exit();
        }
    }

    /**
     * Ends the response without sending what is not committed yet, and the connection with it:
     * for a request whose client left before it was whole, which has no one to answer.
     */
    void abandon() {
        if (!finished) {
            finished = true;
            close = true;
            buffered = null;
            bufferedLength = 0;
            writer.flush();
        }
    }

    /** Sends whatever is left; after a failure once committed, ends the connection instead. */
    void finish(boolean failed) {
        if (finished) {
            return;
        }
        finished = true;
        if (failed && committed) {
            close = true;
            problem = "the application failed after the response was committed; connection closed";
            writer.flush();
            return;
        }
        if (!committed) {
            try {
                commit(true);
            } catch (IllegalArgumentException e) {
                // a field that must not be sent: answer 500 and send none of the application's fields
                problem = "refused to send its response: " + e.getMessage();
                serverError(500, StatusReasons.reason(500) + "\r\n\r\nThe application's response was invalid.\r\n",
                        false);
                commit(true);
            }
        } else if (chunked && sendsBody) {
            writer.lastChunk();
        }
        if (sendsBody && declaredLength >= 0 && bodySent < declaredLength) {
            close = true;
            problem = "the application wrote " + bodySent + " of its declared " + declaredLength + " bytes";
        }
    }

    private void commit(boolean complete) {
        ResponseFraming framing = ResponseFraming.of(status, declaredLength, complete ? bufferedLength : -1, http11);
        chunked = framing.chunked();
        // a draining connection ends with this response: the client learns it before sending more
        close |= !keepAlive || writer.draining() || framing.endsConnection();
        writer.head(new ResponseHead(status, reason, fields, fieldCount, framing.contentLengthField(), chunked, close));
        committed = true;
        sendsBody = !headRequest && framing.hasBody();
        byte[] held = buffered;
        int heldLength = bufferedLength;
        buffered = null;
        bufferedLength = 0;
        if (heldLength > 0) {
            sendBody(held, 0, heldLength);
        }
    }

    private void write(byte[] bytes, int offset, int length) {
        if (!committed && bufferedLength + length <= COMMIT_THRESHOLD) {
            if (bufferedLength + length > buffered.length) {
                buffered = Arrays.copyOf(buffered, Math.max(bufferedLength + length,
                        Math.min(COMMIT_THRESHOLD, Math.max(256, buffered.length * 2))));
            }
            System.arraycopy(bytes, offset, buffered, bufferedLength, length);
            bufferedLength += length;
            return;
        }
        if (!committed) {
            commit(false);
        }
        sendBody(bytes, offset, length);
    }

    private void sendBody(byte[] bytes, int offset, int length) {
        if (!sendsBody) {
            bodySent += length;
            return;
        }
        if (declaredLength >= 0 && bodySent + length > declaredLength) {
            int allowed = (int) (declaredLength - bodySent);
            problem = "the application wrote more than its declared " + declaredLength + " bytes";
            close = true;
            length = allowed;
        }
        if (chunked) {
            writer.chunk(bytes, offset, length);
        } else {
            writer.body(bytes, offset, length);
        }
        bodySent += length;
    }

    private void append(String name, String value) {
        if (value == null) {
            throw new IllegalArgumentException("null value for header " + name);
        }
        if (2 * fieldCount == fields.length) {
            fields = Arrays.copyOf(fields, fields.length * 2);
        }
        fields[2 * fieldCount] = name;
        fields[2 * fieldCount + 1] = value;
        fieldCount++;
    }

    /** Takes the fields that are the server's to set; true when {@code name} is one of them. */
    private boolean serverOwned(String lowerName, String value) {
        switch (lowerName) {
            case "content-length":
                try {
                    contentLength(Long.parseLong(value.trim()));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("Content-Length " + value + " is not a number");
                }
                return true;
            case "connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "date", "server":
                return true;
            default:
                return false;
        }
    }

    private static String checkedName(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("empty header name");
        }
        return name.toLowerCase(Locale.ROOT);
    }

    private void uncommitted() {
        if (committed) {
            throw new IllegalStateException("the response is committed");
        }
    }

    /** The body stream: buffers until commit, then streams through the writer. */
    private final class BodyStream extends OutputStream {

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            java.util.Objects.checkFromIndexSize(offset, length, bytes.length);
            enter();
            try {
                if (finished) {
                    throw new IOException("the response is finished");
                }
                BufferedResponse.this.write(bytes, offset, length);
            } finally {
                exit();
            }
        }

        @Override
        public void flush() throws IOException {
            enter();
            try {
                if (finished) {
                    return;
                }
                if (!committed) {
                    commit(false);
                }
                writer.flush();
            } finally {
                exit();
            }
        }
    }
}

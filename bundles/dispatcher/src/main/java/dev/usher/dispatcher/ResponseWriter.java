package dev.usher.dispatcher;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

import dev.usher.http1.ResponseHead;
import dev.usher.http1.ResponseHeadEncoder;

/**
 * Encodes the responses of one task into a buffer and sends it to the connection when full or
 * when the task is done: a batch of small responses leaves in one write. The buffer is taken
 * when the first byte is encoded: a server thread's own, else one {@linkplain ServerThread#borrow
 * borrowed}, which goes back at each flush, so a request that waits on a virtual thread holds none.
 */
final class ResponseWriter {

    private static final byte[] LAST_CHUNK = ResponseHeadEncoder.lastChunk();
    private static final byte[] CONTINUE = ResponseHeadEncoder.continueResponse();

    private final Connection connection;
    private final ResponseHeadEncoder encoder;
    private ByteBuffer buffer;
    /** Whether {@link #buffer} is borrowed, not the server thread's own. */
    private boolean lent;

    /** Whether the buffer is always borrowed, whichever thread encodes. */
    private final boolean borrowOnly;

    ResponseWriter(Connection connection, ResponseHeadEncoder encoder) {
        this(connection, encoder, false);
    }

    /**
     * @param borrowOnly never a server thread's own buffer: for a response that threads take
     *     turns writing (an asynchronous one), where a thread's buffer kept between writes would
     *     be that thread's next task's too
     */
    ResponseWriter(Connection connection, ResponseHeadEncoder encoder, boolean borrowOnly) {
        this.connection = connection;
        this.encoder = encoder;
        this.borrowOnly = borrowOnly;
    }

    /** The buffer to encode into, taken now if need be. */
    private ByteBuffer buffer() {
        if (buffer == null) {
            buffer = borrowOnly ? null : ServerThread.ownScratch();
            lent = buffer == null;
            if (lent) {
                buffer = ServerThread.borrow();
            }
        }
        return buffer;
    }

    /**
     * Encodes {@code head}.
     *
     * @throws IllegalArgumentException for a field that must not be sent; nothing is written
     */
    void head(ResponseHead head) {
        int size = encoder.size(head);
        if (size > ServerThread.SCRATCH_SIZE) {
            flush();
            ByteBuffer large = ByteBuffer.allocate(size);
            encoder.encode(head, large);
            connection.send(large.flip());
            return;
        }
        encoder.encode(head, ensure(size));
    }

    void body(byte[] bytes, int offset, int length) {
        while (length > 0) {
            ByteBuffer into = ensure(1);
            int n = Math.min(length, into.remaining());
            into.put(bytes, offset, n);
            offset += n;
            length -= n;
        }
    }

    void chunk(byte[] bytes, int offset, int length) {
        if (length == 0) {
            return;
        }
        chunkHeader(length);
        body(bytes, offset, length);
        chunkEnd();
    }

    void chunkHeader(long size) {
        ResponseHeadEncoder.chunkHeader(size, ensure(ResponseHeadEncoder.MAX_CHUNK_HEADER));
    }

    void chunkEnd() {
        ResponseHeadEncoder.chunkEnd(ensure(2));
    }

    /** The interim response that tells a client waiting with its body to send it. */
    void interimContinue() {
        ensure(CONTINUE.length).put(CONTINUE);
    }

    void lastChunk() {
        ensure(LAST_CHUNK.length).put(LAST_CHUNK);
    }

    /** Sends what has been encoded so far, then {@code length} bytes of {@code file}. */
    void file(FileChannel file, long position, long length) throws IOException {
        flush();
        connection.sendFile(file, position, length);
    }

    /** Whether the connection drains as its server stops: a response committed now closes it. */
    boolean draining() {
        return connection.draining();
    }

    /** Sends what has been encoded so far; a borrowed buffer goes back. */
    void flush() {
        if (buffer == null) {
            return;
        }
        if (buffer.position() > 0) {
            buffer.flip();
            connection.send(buffer);
            buffer.clear();
        }
        if (lent) {
            ServerThread.giveBack(buffer);
            buffer = null;
        }
    }

    /** The buffer, with room for {@code bytes} (at most its size): flushed first if need be. */
    private ByteBuffer ensure(int bytes) {
        ByteBuffer into = buffer();
        if (into.remaining() < bytes) {
            flush();
            into = buffer();
        }
        return into;
    }
}

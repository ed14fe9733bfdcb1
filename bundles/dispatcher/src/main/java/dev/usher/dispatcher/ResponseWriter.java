package dev.usher.dispatcher;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;

import dev.usher.http1.ResponseHead;
import dev.usher.http1.ResponseHeadEncoder;

/**
 * Encodes the responses of one task into a buffer and sends it to the connection when full or
 * when the task is done: a batch of small responses leaves in one write.
 */
final class ResponseWriter {

    private static final byte[] LAST_CHUNK = ResponseHeadEncoder.lastChunk();
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final Connection connection;
    private final ResponseHeadEncoder encoder;
    private final ByteBuffer buffer;

    ResponseWriter(Connection connection, ResponseHeadEncoder encoder, ByteBuffer buffer) {
        this.connection = connection;
        this.encoder = encoder;
        this.buffer = buffer;
    }

    /**
     * Encodes {@code head}.
     *
     * @throws IllegalArgumentException for a field that must not be sent; nothing is written
     */
    void head(ResponseHead head) {
        int size = encoder.size(head);
        if (size > buffer.capacity()) {
            flush();
            ByteBuffer large = ByteBuffer.allocate(size);
            encoder.encode(head, large);
            connection.send(large.flip());
            return;
        }
        ensure(size);
        encoder.encode(head, buffer);
    }

    void body(byte[] bytes, int offset, int length) {
        while (length > 0) {
            if (!buffer.hasRemaining()) {
                flush();
            }
            int n = Math.min(length, buffer.remaining());
            buffer.put(bytes, offset, n);
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
        ensure(ResponseHeadEncoder.MAX_CHUNK_HEADER);
        ResponseHeadEncoder.chunkHeader(size, buffer);
    }

    void chunkEnd() {
        ensure(2);
        ResponseHeadEncoder.chunkEnd(buffer);
    }

    /** The interim response that tells a client waiting with its body to send it. */
    void interimContinue() {
        ensure(CONTINUE.length);
        buffer.put(CONTINUE);
    }

    void lastChunk() {
        ensure(LAST_CHUNK.length);
        buffer.put(LAST_CHUNK);
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

    /** Sends what has been encoded so far. */
    void flush() {
        if (buffer.position() > 0) {
            buffer.flip();
            connection.send(buffer);
            buffer.clear();
        }
    }

    private void ensure(int bytes) {
        if (buffer.remaining() < bytes) {
            flush();
        }
    }
}

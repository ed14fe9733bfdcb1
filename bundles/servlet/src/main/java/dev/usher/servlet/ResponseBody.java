package dev.usher.servlet;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;

/**
 * A servlet response's body: the Servlet buffer ({@code setBufferSize}, {@code resetBuffer})
 * in front of Usher's response body. Until the buffer overflows or is flushed nothing is
 * committed, so the head can still change and an error page can still replace the body.
 * Writes after the response was closed ({@code sendError}, {@code sendRedirect}, the end of a
 * forward) are dropped, as the Servlet specification says.
 */
final class ResponseBody extends ServletOutputStream {

    private final WhiteboardResponse response;
    private byte[] buffer = new byte[0];
    private int count;
    private int bufferSize = 8192;
    private long written;
    private boolean closed;
    private boolean quiet;

    ResponseBody(WhiteboardResponse response) {
        this.response = response;
    }

    int bufferSize() {
        return bufferSize;
    }

    void bufferSize(int size) {
        bufferSize = Math.max(size, 0);
    }

    /** Drops what is buffered (not committed yet). */
    void reset() {
        count = 0;
    }

    /** Takes writes again after a reset of the whole response. */
    void reopen() {
        closed = false;
    }

    /** Drops every later write. */
    void close(boolean dropLater) {
        closed = dropLater;
    }

    long written() {
        return written;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        if (closed || length == 0) {
            return;
        }
        written += length;
        if (count + length <= bufferSize) {
            if (count + length > buffer.length) {
                // grow in steps, so that a small answer never pays for the whole buffer
                buffer = Arrays.copyOf(buffer, Math.min(bufferSize, Math.max(count + length, Math.max(256, buffer.length * 2))));
            }
            System.arraycopy(bytes, offset, buffer, count, length);
            count += length;
            return;
        }
        OutputStream out = response.commit();
        if (count > 0) {
            out.write(buffer, 0, count);
            count = 0;
        }
        out.write(bytes, offset, length);
    }

    /** Commits and hands what is buffered to Usher, without flushing Usher's own buffer. */
    void drain() throws IOException {
        OutputStream out = response.commit();
        if (count > 0) {
            out.write(buffer, 0, count);
            count = 0;
        }
    }

    /**
     * Flushes {@code writer}'s encoded characters into this body without flushing to the client:
     * at the end of a call, a flush would commit a body that may still get its length.
     */
    void takeFrom(java.io.Writer writer) throws IOException {
        quiet = true;
        try {
            writer.flush();
        } finally {
            quiet = false;
        }
    }

    @Override
    public void flush() throws IOException {
        if (closed || quiet) {
            return;
        }
        drain();
        response.exchange().body().flush();
    }

    @Override
    public void close() throws IOException {
        // a servlet closing its stream ends its body; the response is finished when the call returns
        closed = true;
    }

    @Override
    public boolean isReady() {
        return true;
    }

    @Override
    public void setWriteListener(WriteListener listener) {
        if (!response.asyncStarted()) {
            throw new IllegalStateException("setWriteListener needs an asynchronous request");
        }
        // Usher buffers a response and waits for slow readers itself: the stream is always ready
        try {
            listener.onWritePossible();
        } catch (IOException | RuntimeException e) {
            listener.onError(e);
        }
    }
}

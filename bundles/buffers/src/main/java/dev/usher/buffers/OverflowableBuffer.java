package dev.usher.buffers;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Bytes appended in order, kept in memory up to a threshold and in a temporary file beyond it,
 * then read back as a stream. {@link #close()} deletes the file; until then the buffer holds
 * it open. Not thread-safe: one writer, then one reader.
 */
public final class OverflowableBuffer implements AutoCloseable {

    private static final byte[] NONE = new byte[0];

    private final int threshold;
    private final Path directory;
    private byte[] memory = NONE;
    private int memoryLength;
    private FileChannel file;
    private Path filePath;
    private long length;
    private boolean closed;

    /**
     * @param threshold the most bytes kept in memory; more go to a temporary file
     * @param directory where temporary files are made
     */
    public OverflowableBuffer(int threshold, Path directory) {
        if (threshold < 0) {
            throw new IllegalArgumentException("threshold " + threshold);
        }
        this.threshold = threshold;
        this.directory = directory;
    }

    /** A buffer spilling into the JVM's temporary directory. */
    public OverflowableBuffer(int threshold) {
        this(threshold, Path.of(System.getProperty("java.io.tmpdir")));
    }

    /** Appends the remaining bytes of {@code source}, consuming them. */
    public void write(ByteBuffer source) throws IOException {
        ensureOpen();
        int n = source.remaining();
        if (file == null && memoryLength + (long) n <= threshold) {
            grow(memoryLength + n);
            source.get(memory, memoryLength, n);
            memoryLength += n;
        } else {
            spill();
            while (source.hasRemaining()) {
                file.write(source);
            }
        }
        length += n;
    }

    /** Appends {@code count} bytes of {@code bytes} from {@code offset}. */
    public void write(byte[] bytes, int offset, int count) throws IOException {
        write(ByteBuffer.wrap(bytes, offset, count));
    }

    /** How many bytes have been written. */
    public long length() {
        return length;
    }

    /** Whether the bytes have gone to a temporary file. */
    public boolean overflowed() {
        return file != null;
    }

    /**
     * A stream over every byte written so far, from the start. The buffer must stay open while
     * it is read; writing more afterwards is not seen by the stream.
     */
    public InputStream inputStream() throws IOException {
        ensureOpen();
        if (file == null) {
            return new java.io.ByteArrayInputStream(memory, 0, memoryLength);
        }
        FileChannel reader = FileChannel.open(filePath, StandardOpenOption.READ);
        long end = length;
        return new InputStream() {
            private final InputStream in = Channels.newInputStream(reader);
            private long position;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (position >= end) {
                    return -1;
                }
                int n = in.read(b, off, (int) Math.min(len, end - position));
                if (n > 0) {
                    position += n;
                }
                return n;
            }

            @Override
            public void close() throws IOException {
                in.close();
            }
        };
    }

    /** Deletes the temporary file, if any. Idempotent; never throws. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        memory = NONE;
        if (file != null) {
            try {
                file.close();
                Files.deleteIfExists(filePath);
            } catch (IOException e) {
                // never thrown at a caller cleaning up; the file goes at exit at the latest
                filePath.toFile().deleteOnExit();
            }
        }
    }

    private void grow(int needed) {
        if (needed > memory.length) {
            int size = Math.max(needed, Math.min(threshold, Math.max(256, memory.length * 2)));
            memory = Arrays.copyOf(memory, size);
        }
    }

    private void spill() throws IOException {
        if (file != null) {
            return;
        }
        Path path = Files.createTempFile(directory, "usher-", ".buf");
        FileChannel channel = null;
        try {
            channel = FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            ByteBuffer held = ByteBuffer.wrap(memory, 0, memoryLength);
            while (held.hasRemaining()) {
                channel.write(held);
            }
        } catch (IOException e) {
            if (channel != null) {
                channel.close();
            }
            Files.deleteIfExists(path);
            throw e;
        }
        file = channel;
        filePath = path;
        memory = NONE;
        memoryLength = 0;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("buffer closed");
        }
    }
}

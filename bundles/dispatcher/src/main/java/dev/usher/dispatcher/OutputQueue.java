package dev.usher.dispatcher;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;

import dev.usher.buffers.BufferPool;

/**
 * Response bytes the socket did not take yet. Up to a threshold ({@code outbuf_overflow}) they
 * wait in pooled direct buffers, which go back to the pool as soon as they are written; beyond
 * it, in a temporary file that the socket is fed from with {@link FileChannel#transferTo} and
 * that is deleted as soon as it has been sent, or when the queue is cleared. Files an
 * application sends join the queue as regions, sent the same way and closed once sent. Not
 * thread-safe: its {@link Connection} guards it.
 */
final class OutputQueue {

    /** A stretch of a file still to be sent: of the spill file, or of an application's file. */
    private static final class FileRegion {
        final FileChannel file;
        long position;
        long end;

        FileRegion(FileChannel file, long position, long end) {
            this.file = file;
            this.position = position;
            this.end = end;
        }
    }

    private final BufferPool pool;
    private final Path directory;
    /** ByteBuffers (position to limit pending) and FileRegions, in order. */
    private final ArrayDeque<Object> segments = new ArrayDeque<>();
    private long size;
    private long inMemory;
    private long inApplicationFiles;
    private int spillRegions;
    private FileChannel spill;
    private Path spillPath;
    private long spillEnd;

    OutputQueue(BufferPool pool, Path directory) {
        this.pool = pool;
        this.directory = directory;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** How many bytes are pending. */
    long size() {
        return size;
    }

    /** How many pending bytes the server holds: all but those of the application's files. */
    long buffered() {
        return size - inApplicationFiles;
    }

    /** Whether pending bytes wait in a temporary file. */
    boolean spilled() {
        return spill != null;
    }

    /**
     * Appends the remaining bytes of {@code source}, consuming them: in memory while at most
     * {@code memoryLimit} bytes are held there, in the temporary file beyond.
     *
     * @throws IOException when the temporary file cannot be written
     */
    void append(ByteBuffer source, long memoryLimit) throws IOException {
        int count = source.remaining();
        if (inMemory + count > memoryLimit) {
            appendToFile(source);
        } else {
            appendToMemory(source);
            inMemory += count;
        }
        size += count;
    }

    private void appendToMemory(ByteBuffer source) {
        if (segments.peekLast() instanceof ByteBuffer tail && tail.limit() < tail.capacity()) {
            fill(tail, source);
        }
        while (source.hasRemaining()) {
            ByteBuffer next = pool.acquire();
            next.limit(0);
            fill(next, source);
            segments.add(next);
        }
    }

    private void appendToFile(ByteBuffer source) throws IOException {
        if (spill == null) {
            spillPath = Files.createTempFile(directory, "usher-out-", ".buf");
            try {
                spill = FileChannel.open(spillPath, StandardOpenOption.READ, StandardOpenOption.WRITE);
            } catch (IOException e) {
                Files.deleteIfExists(spillPath);
                throw e;
            }
            spillEnd = 0;
        }
        long start = spillEnd;
        while (source.hasRemaining()) {
            spillEnd += spill.write(source, spillEnd);
        }
        if (segments.peekLast() instanceof FileRegion tail && tail.file == spill && tail.end == start) {
            tail.end = spillEnd;
        } else {
            segments.add(new FileRegion(spill, start, spillEnd));
            spillRegions++;
        }
    }

    /** Appends {@code length} bytes of {@code file} from {@code position}; closes it once sent. */
    void appendFile(FileChannel file, long position, long length) {
        segments.add(new FileRegion(file, position, position + length));
        size += length;
        inApplicationFiles += length;
    }

    /**
     * Writes up to {@code maxBytes} pending bytes to {@code transport} without blocking.
     *
     * @return how many were written
     */
    long writeTo(Transport transport, int maxBytes) throws IOException {
        long written = 0;
        while (!segments.isEmpty() && written < maxBytes) {
            Object head = segments.peek();
            long n;
            boolean done;
            if (head instanceof ByteBuffer buffer) {
                int limit = buffer.limit();
                buffer.limit((int) Math.min(limit, buffer.position() + (long) maxBytes - written));
                n = transport.write(buffer);
                buffer.limit(limit);
                inMemory -= n;
                done = !buffer.hasRemaining();
                if (done) {
                    pool.release(buffer);
                }
            } else {
                FileRegion region = (FileRegion) head;
                n = transport.transferFrom(region.file, region.position,
                        Math.min(region.end - region.position, maxBytes - written));
                region.position += n;
                if (region.file != spill) {
                    inApplicationFiles -= n;
                }
                done = region.position == region.end;
                if (!done && n == 0 && region.position >= region.file.size()) {
                    throw new IOException("the file to send is shorter than announced");
                }
            }
            written += n;
            if (!done) {
                break;
            }
            segments.poll();
            if (head instanceof FileRegion region) {
                finished(region);
            }
        }
        size -= written;
        return written;
    }

    /** Drops everything pending, returns the buffers to the pool and deletes the file. */
    void clear() {
        for (Object segment; (segment = segments.poll()) != null; ) {
            if (segment instanceof ByteBuffer buffer) {
                pool.release(buffer);
            } else {
                finished((FileRegion) segment);
            }
        }
        size = 0;
        inMemory = 0;
        inApplicationFiles = 0;
        deleteSpill();
    }

    /** Lets go of a region sent or dropped: an application's file closes, the spill file goes with its last region. */
    private void finished(FileRegion region) {
        if (region.file == spill) {
            if (--spillRegions == 0) {
                deleteSpill();
            }
        } else {
            try {
                region.file.close();
            } catch (IOException e) {
                // it was only read from
            }
        }
    }

    private void deleteSpill() {
        if (spill == null) {
            return;
        }
        try {
            spill.close();
            Files.deleteIfExists(spillPath);
        } catch (IOException e) {
            // the file is unlinked or was never there; nothing else holds it
        } finally {
            spill = null;
            spillPath = null;
            spillRegions = 0;
        }
    }

    /** Copies what fits of {@code source} after the pending bytes of {@code buffer}. */
    private static void fill(ByteBuffer buffer, ByteBuffer source) {
        int start = buffer.position();
        buffer.position(buffer.limit()).limit(buffer.capacity());
        int n = Math.min(buffer.remaining(), source.remaining());
        buffer.put(source.slice(source.position(), n));
        source.position(source.position() + n);
        buffer.limit(buffer.position()).position(start);
    }
}

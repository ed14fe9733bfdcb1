package dev.usher.servlet.http;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The bytes of one part as they arrive: in memory up to the threshold, in a temporary file
 * beyond it. {@link #close()} deletes the file unless {@link #finish()} handed it on.
 */
final class PartContent implements DelimiterScanner.Sink, AutoCloseable {

    private final String partName;
    private final Path directory;
    private final int threshold;
    private final long maxSize;
    private ByteArrayOutputStream memory = new ByteArrayOutputStream();
    private Path file;
    private OutputStream fileOut;
    private long size;
    private boolean finished;

    /**
     * An empty content.
     *
     * @param partName the part's name, for messages
     * @param directory where the temporary file goes
     * @param threshold the most bytes kept in memory
     * @param maxSize the most bytes the part may have; negative for no limit
     */
    PartContent(String partName, Path directory, int threshold, long maxSize) {
        this.partName = partName;
        this.directory = directory;
        this.threshold = Math.max(0, threshold);
        this.maxSize = maxSize;
    }

    /**
     * Appends bytes, spilling to the temporary file past the threshold.
     *
     * @throws IllegalStateException when the part grows past its largest size
     */
    @Override
    public void write(byte[] bytes, int offset, int count) throws IOException {
        if (count == 0) {
            return;
        }
        size += count;
        if (maxSize >= 0 && size > maxSize) {
            throw new IllegalStateException("multipart/form-data part '" + partName + "' larger than " + maxSize
                    + " bytes");
        }
        if (fileOut == null && size > threshold) {
            spill();
        }
        if (fileOut == null) {
            memory.write(bytes, offset, count);
        } else {
            fileOut.write(bytes, offset, count);
        }
    }

    /** How many bytes the part has. */
    long size() {
        return size;
    }

    /** The bytes, when they stayed in memory; else null. */
    byte[] bytes() {
        return memory == null ? null : memory.toByteArray();
    }

    /** Closes the file, if any, and hands it on: {@link #close()} no longer deletes it. */
    Path finish() throws IOException {
        if (fileOut != null) {
            fileOut.close();
        }
        // Only once the file is whole: a failed close leaves it to close() to delete.
        finished = true;
        return file;
    }

    /** Closes and, unless finished, deletes the temporary file. */
    @Override
    public void close() throws IOException {
        try {
            if (fileOut != null) {
                fileOut.close();
            }
        } finally {
            if (!finished && file != null) {
                Files.deleteIfExists(file);
            }
        }
    }

    private void spill() throws IOException {
        file = Files.createTempFile(directory, "usher-upload-", ".part");
        fileOut = new BufferedOutputStream(Files.newOutputStream(file), 65536);
        memory.writeTo(fileOut);
        memory = null;
    }
}

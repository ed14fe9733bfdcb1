package dev.usher.dispatcher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.osgi.service.log.Logger;

/**
 * Where access log lines go, a batch at a time ({@code accesslog}): the Log Service, standard
 * output or a file. Only the {@link AccessLogWriter}'s thread writes to a sink, so a sink needs
 * no lock of its own.
 */
sealed interface AccessLogSink permits AccessLogSink.LogService, AccessLogSink.StandardOutput,
        AccessLogSink.File {

    /** Writes {@code length} bytes of {@code lines}: whole lines in UTF-8, each ended by a newline. */
    void write(byte[] lines, int length) throws IOException;

    /** Releases what the sink holds; lines written before are out of the process. */
    default void close() {
    }

    /** What the sink is, for error messages. */
    String describe();

    /**
     * {@code accesslog=log}: Log Service entries at INFO, each holding the lines of a batch, one
     * per line of its message, up to {@value #ENTRY_BYTES} bytes: a Log Service entry costs
     * microseconds (Felix's walks the stack and looks up the logger's level for each), too much
     * to pay per request. A line longer than that is an entry of its own.
     */
    record LogService(Logger logger) implements AccessLogSink {

        /** The most bytes of lines an entry holds. */
        static final int ENTRY_BYTES = 16 * 1024;

        @Override
        public void write(byte[] lines, int length) {
            int entryStart = 0;
            int entryEnd = 0;
            boolean open = false;
            for (int lineStart = 0; lineStart < length; ) {
                int lineEnd = indexOfNewline(lines, lineStart, length);
                if (open && lineEnd - entryStart > ENTRY_BYTES) {
                    logger.info(new String(lines, entryStart, entryEnd - entryStart, StandardCharsets.UTF_8));
                    entryStart = lineStart;
                }
                open = true;
                entryEnd = lineEnd;
                lineStart = lineEnd + 1;
            }
            if (open) {
                logger.info(new String(lines, entryStart, entryEnd - entryStart, StandardCharsets.UTF_8));
            }
        }

        /** The index of the first newline from {@code from} on, or {@code length} if there is none. */
        private static int indexOfNewline(byte[] text, int from, int length) {
            for (int i = from; i < length; i++) {
                if (text[i] == '\n') {
                    return i;
                }
            }
            return length;
        }

        @Override
        public String describe() {
            return "the Log Service logger " + logger.getName();
        }
    }

    /**
     * {@code accesslog=-}: standard output as it is at the moment of writing, so a launcher that
     * swaps {@link System#out} to reopen its log file (USR1) gets every line after the swap. A
     * batch is one {@code write} of its bytes (UTF-8, whatever the platform's encoding), not one a
     * line.
     */
    record StandardOutput() implements AccessLogSink {

        @Override
        public void write(byte[] lines, int length) {
            PrintStream out = System.out;
            out.write(lines, 0, length);
            out.flush();
        }

        @Override
        public String describe() {
            return "standard output";
        }
    }

    /**
     * {@code accesslog=PATH}: appended to, a batch in one write. When the file has been moved
     * away or replaced (logrotate), it is reopened at its path, checked at most once a second.
     */
    final class File implements AccessLogSink {

        private static final long CHECK_NANOS = TimeUnit.SECONDS.toNanos(1);

        private final Path path;
        private final Set<PosixFilePermission> permissions;
        private FileChannel channel;
        private Object fileKey;
        private long nextCheck;

        /** @param permissions of a file created anew; null for the system's default */
        File(Path path, Set<PosixFilePermission> permissions) {
            this.path = path;
            this.permissions = permissions;
        }

        @Override
        public void write(byte[] lines, int length) throws IOException {
            long now = System.nanoTime();
            if (channel == null || now - nextCheck > 0) {
                nextCheck = now + CHECK_NANOS;
                Object key = currentKey();
                if (channel == null || key == null || !key.equals(fileKey)) {
                    reopen();
                }
            }
            ByteBuffer bytes = ByteBuffer.wrap(lines, 0, length);
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        }

        private Object currentKey() throws IOException {
            try {
                return Files.readAttributes(path, BasicFileAttributes.class).fileKey();
            } catch (NoSuchFileException moved) {
                return null;
            }
        }

        private void reopen() throws IOException {
            close();
            if (permissions != null && !Files.exists(path)) {
                try {
                    Files.createFile(path, PosixFilePermissions.asFileAttribute(permissions));
                } catch (FileAlreadyExistsException raced) {
                    // created in between: append to it
                }
            }
            channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
            // moved already (rotated just after it was created): the lines go to the moved file,
            // which the rotation keeps, and the next check opens the file anew
            fileKey = currentKey();
        }

        @Override
        public void close() {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // only appended to: nothing of it is lost
                }
                channel = null;
            }
        }

        @Override
        public String describe() {
            return path.toString();
        }
    }
}

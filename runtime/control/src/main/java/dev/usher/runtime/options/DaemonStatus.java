package dev.usher.runtime.options;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * How a daemon tells the launcher that started it ({@code -D}) whether it came up: one line in a
 * file in a private directory the launcher made, written atomically -- {@code READY pid} once the
 * servers listen, or {@code FAILED message} if they cannot.
 */
public final class DaemonStatus {

    /** The first word of a successful start. */
    public static final String READY = "READY";
    /** The first word of a failed start. */
    public static final String FAILED = "FAILED";

    private DaemonStatus() {
    }

    /** Reports a successful start. */
    public static void ready(Path file, long pid) throws IOException {
        write(file, READY + " " + pid);
    }

    /** Reports a failed start (the message on one line). */
    public static void failed(Path file, String message) throws IOException {
        write(file, FAILED + " " + message.replaceAll("\\s*[\\r\\n]+\\s*", " "));
    }

    /** The line reported, or null if none yet. */
    public static String read(Path file) throws IOException {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private static void write(Path file, String line) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temporary, line + "\n", StandardCharsets.UTF_8);
        try {
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}

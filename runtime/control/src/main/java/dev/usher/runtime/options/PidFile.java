package dev.usher.runtime.options;

import dev.usher.config.FileModes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.OptionalLong;
import java.util.Set;

/**
 * A pid file: the process id and a newline, written atomically (a temporary file in the same
 * directory, then renamed over the pid file), so a reader never sees a partial one.
 */
public final class PidFile {

    private PidFile() {
    }

    /** The pid a file names, if it exists and holds one. */
    public static OptionalLong read(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII).strip();
        } catch (NoSuchFileException e) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(text));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /**
     * Why this process must not use {@code file}, or null if it may: the file names another
     * process that is running.
     */
    public static String refusal(Path file) {
        OptionalLong pid;
        try {
            pid = read(file);
        } catch (IOException e) {
            return "cannot read pid file " + file + ": " + e.getMessage();
        }
        if (pid.isPresent() && pid.getAsLong() != ProcessHandle.current().pid()
                && ProcessHandle.of(pid.getAsLong()).map(ProcessHandle::isAlive).orElse(false)) {
            return "pid file " + file + " names process " + pid.getAsLong()
                    + ", which is running: is Usher already running? (stop it, or remove the file if it is not Usher)";
        }
        return null;
    }

    /**
     * Writes {@code pid} to {@code file} atomically.
     *
     * @param umask applied to the file's mode {@code 0666}; null for the process's own umask
     */
    public static void write(Path file, long pid, Integer umask) throws IOException {
        Path target = file.toAbsolutePath();
        Path temporary = target.resolveSibling("." + target.getFileName() + "." + pid + ".tmp");
        try {
            createFile(temporary, umask);
            Files.writeString(temporary, pid + "\n", StandardCharsets.US_ASCII);
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** Deletes {@code file} if it names {@code pid}; whether it did. */
    public static boolean removeIfOwn(Path file, long pid) {
        try {
            OptionalLong named = read(file);
            if (named.isPresent() && named.getAsLong() == pid) {
                Files.deleteIfExists(file);
                return true;
            }
        } catch (IOException e) {
            // nothing to be done at exit
        }
        return false;
    }

    /**
     * Creates an empty file (replacing one left behind) with mode {@code 0666 & ~umask}, or with the
     * process's umask when {@code umask} is null or the file system has no POSIX modes.
     */
    public static void createFile(Path file, Integer umask) throws IOException {
        Files.deleteIfExists(file);
        createIfAbsent(file, umask);
    }

    /**
     * Creates a file unless it exists, with mode {@code 0666 & ~umask} (see {@link #createFile});
     * an existing file keeps its mode.
     */
    public static void createIfAbsent(Path file, Integer umask) throws IOException {
        if (umask == null || !file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            try {
                Files.createFile(file);
            } catch (FileAlreadyExistsException e) {
                // kept as it is
            }
            return;
        }
        Set<PosixFilePermission> mode = FileModes.permissions(0666 & ~umask);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(mode));
        } catch (FileAlreadyExistsException e) {
            return;
        }
        Files.setPosixFilePermissions(file, mode); // the process's own umask applied at creation: undo it
    }
}

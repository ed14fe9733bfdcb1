package dev.usher.runtime.launch;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.nio.file.Path;

import dev.usher.runtime.options.PidFile;

/**
 * {@code --log-file FILE}: standard output and standard error go to FILE (appended), so the
 * console bundle's log lines, the launcher's and anything else printed end up there. USR1 reopens
 * it ({@link #reopen()}), for logrotate: the stream of the moment is swapped atomically, and the
 * previous one is closed at the next reopen, so a line being printed during the swap is not lost.
 */
final class LogFile {

    private final Path path;
    private final Integer umask;
    private PrintStream current;
    private PrintStream previous;

    private LogFile(Path path, Integer umask) {
        this.path = path;
        this.umask = umask;
    }

    /**
     * Opens the log file and makes it standard output and error.
     *
     * @param umask for a file that does not exist yet; null for the process's own
     */
    static LogFile open(Path path, Integer umask) throws IOException {
        LogFile file = new LogFile(path.toAbsolutePath(), umask);
        file.reopen();
        return file;
    }

    Path path() {
        return path;
    }

    /** Opens the file anew (creating it if it was moved away) and swaps standard output and error to it. */
    synchronized void reopen() throws IOException {
        PidFile.createIfAbsent(path, umask);
        PrintStream next = new PrintStream(new BufferedOutputStream(new FileOutputStream(path.toFile(), true), 8192),
                true, Charset.defaultCharset());
        System.setOut(next);
        System.setErr(next);
        if (previous != null) {
            previous.close();
        }
        previous = current;
        current = next;
    }
}

package dev.usher.dispatcher;

import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.ZoneId;
import java.util.Set;

import org.osgi.service.log.Logger;

import dev.usher.http1.RequestHead;

/**
 * The access log: one line per answered request in gunicorn's {@code access_log_format}
 * atoms ({@link AccessLogFormat}), to the Log Service, standard output or a file
 * ({@link AccessLogSink}). The thread that answered a request formats its line; an
 * {@link AccessLogWriter} writes the lines in batches from a thread of its own.
 */
final class AccessLog {

    /**
     * One answered request, as the access log sees it.
     *
     * @param request as its application saw it; null when none did (refused, nothing mounted)
     * @param head as received; null when the input could not be framed
     */
    record Entry(ServedRequest request, RequestHead head, String remoteAddress, int status, long length,
            long nanos, BufferedResponse response) {
    }

    /** How long {@link #close()} waits for the lines still pending to be written. */
    static final long CLOSE_TIMEOUT_MILLIS = 10_000;

    /** Each thread's line being formatted: the writer copies it, so it is used again. */
    private static final ThreadLocal<Utf8Lines> LINE = ThreadLocal.withInitial(() -> new Utf8Lines(256));

    private final AccessLogFormat format;
    private final AccessLogWriter writer;

    private AccessLog(String format, AccessLogSink sink, String threadName, Logger problems) {
        this.format = new AccessLogFormat(format, ZoneId.systemDefault());
        this.writer = new AccessLogWriter(sink, threadName, problems);
    }

    /**
     * The access log {@code accesslog} asks for, or null for none; its writer's thread is started.
     *
     * @param accessLogger the Log Service logger for {@code accesslog=log}
     * @param permissions of a log file Usher creates; null for the system's default
     * @param threadName the name of the writer's thread
     * @param problems where failures to write are logged
     */
    static AccessLog of(String accesslog, String format, Logger accessLogger, Set<PosixFilePermission> permissions,
            String threadName, Logger problems) {
        AccessLogSink sink = switch (accesslog) {
            case "" -> null;
            case "log" -> new AccessLogSink.LogService(accessLogger);
            case "-" -> new AccessLogSink.StandardOutput();
            default -> new AccessLogSink.File(Path.of(accesslog), permissions);
        };
        return sink == null ? null : new AccessLog(format, sink, threadName, problems);
    }

    /** Formats the line of {@code entry} and hands it to the writer; never blocks on the sink. */
    void log(Entry entry) {
        Utf8Lines line = LINE.get();
        line.clear();
        format.format(entry, line);
        line.newline();
        writer.add(line);
        if (line.capacity() > 16 * 1024) {
            // a line with huge fields: its buffer is not kept
            LINE.remove();
        }
    }

    /**
     * Writes every line logged so far, then stops the writer's thread and closes the file, if
     * any; a line logged after this is written at once by the thread that logs it.
     */
    void close() {
        writer.close(CLOSE_TIMEOUT_MILLIS);
    }

    /** Whether the writer's thread has ended; for tests. */
    boolean stoppedForTest() {
        return writer.stopped();
    }
}

package dev.usher.runtime.console;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.function.Consumer;

import org.osgi.framework.Bundle;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;

/**
 * Which log entries the console prints, and the line it prints for one:
 * {@code 2026-11-23 05:05:12.345 INFO  dev.usher.dispatcher [dev.usher.dispatcher.Server] Serving on ...}
 * (time, level, the process name in brackets when one is set with {@code -n}, bundle symbolic
 * name, logger name when it differs from that, message).
 */
final class LogLine {

    /** Prefix of the logger names under which the Log Service records framework events. */
    static final String EVENTS_PREFIX = "Events.";

    private static final DateTimeFormatter SECOND =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT).withZone(ZoneId.systemDefault());

    /** One second's time text, shared by the lines within it: an access log prints thousands a second. */
    private record Second(long epochSecond, String text) {
    }

    private static final byte[] SEPARATOR = System.lineSeparator().getBytes(StandardCharsets.UTF_8);

    private static volatile Second second = new Second(Long.MIN_VALUE, "");

    private final LogLevel threshold;
    private final boolean events;
    private final String name;

    LogLine(LogLevel threshold, boolean events) {
        this(threshold, events, null);
    }

    /** @param name the process name shown in each line, or null */
    LogLine(LogLevel threshold, boolean events, String name) {
        this.threshold = threshold;
        this.events = events;
        this.name = name == null || name.isBlank() ? null : name;
    }

    /**
     * From the framework properties' values (either may be null); an unknown level is
     * reported to {@code warnings} and {@code INFO} is used.
     */
    static LogLine fromProperties(String level, String events, Consumer<String> warnings) {
        return fromProperties(level, events, null, warnings);
    }

    /** As {@link #fromProperties(String, String, Consumer)}, with the process name (may be null). */
    static LogLine fromProperties(String level, String events, String name, Consumer<String> warnings) {
        LogLevel threshold = LogLevel.INFO;
        if (level != null && !level.isBlank()) {
            try {
                threshold = LogLevel.valueOf(level.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                warnings.accept("usher console log: unknown level '" + level + "', printing INFO and above");
            }
        }
        return new LogLine(threshold, Boolean.parseBoolean(events), name);
    }

    LogLevel threshold() {
        return threshold;
    }

    boolean accepts(LogEntry entry) {
        LogLevel level = entry.getLogLevel();
        if (!threshold.implies(level)) {
            return false;
        }
        String name = entry.getLoggerName();
        return events || name == null || !name.startsWith(EVENTS_PREFIX) || LogLevel.WARN.implies(level);
    }

    /**
     * The entry's line; for a message of several lines (as the access log passes a batch of its
     * lines in one entry), one line each, each with the entry's time, level and names.
     */
    String format(LogEntry entry) {
        LineBuffer text = new LineBuffer(160);
        appendTo(text, entry);
        String lines = text.toString();
        return lines.substring(0, lines.length() - System.lineSeparator().length());
    }

    /**
     * Appends what {@link #format} gives in UTF-8, each line ended by the line separator. Bytes,
     * not characters: an access log entry holds kilobytes of lines, and the console prints them
     * without a character encoder's pass over each.
     */
    void appendTo(LineBuffer out, LogEntry entry) {
        Bundle bundle = entry.getBundle();
        String text = String.valueOf(entry.getMessage());
        byte[] message = text.getBytes(StandardCharsets.UTF_8);
        // As many bytes as characters: all ASCII, so the String's (vectorised) indexOf finds the
        // newlines. Otherwise the bytes are searched; a newline byte is never part of a longer
        // UTF-8 sequence.
        boolean ascii = message.length == text.length();
        byte[] prefix = line(entry.getTime(), entry.getLogLevel(), name, bundle == null ? null : bundle.getSymbolicName(),
                entry.getLoggerName(), "").getBytes(StandardCharsets.UTF_8);
        int start = 0;
        do {
            int end = ascii ? text.indexOf('\n', start) : indexOfNewline(message, start);
            if (end < 0) {
                end = message.length;
            }
            out.append(prefix);
            out.append(message, start, end - start);
            out.append(SEPARATOR);
            start = end + 1;
        } while (start < message.length);
    }

    private static int indexOfNewline(byte[] text, int from) {
        for (int i = from; i < text.length; i++) {
            if (text[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** A console line, for entries and for what the console says itself. */
    static String line(long time, LogLevel level, String bsn, String loggerName, String message) {
        return line(time, level, null, bsn, loggerName, message);
    }

    /** A console line with the process name ({@code -n}; null for none). */
    static String line(long time, LogLevel level, String name, String bsn, String loggerName, String message) {
        StringBuilder line = new StringBuilder(160);
        long epochSecond = Math.floorDiv(time, 1000);
        Second cached = second;
        if (cached.epochSecond() != epochSecond) {
            cached = new Second(epochSecond, SECOND.format(Instant.ofEpochSecond(epochSecond)));
            second = cached;
        }
        int millis = (int) Math.floorMod(time, 1000);
        line.append(cached.text()).append('.').append((char) ('0' + millis / 100))
                .append((char) ('0' + millis / 10 % 10)).append((char) ('0' + millis % 10));
        line.append(' ').append(level.name());
        for (int i = level.name().length(); i < 5; i++) {
            line.append(' ');
        }
        if (name != null && !name.isBlank()) {
            line.append(" [").append(name).append(']');
        }
        if (bsn != null) {
            line.append(' ').append(bsn);
        }
        if (loggerName != null && !loggerName.isEmpty() && !loggerName.equals(bsn)) {
            line.append(" [").append(loggerName).append(']');
        }
        return line.append(' ').append(message).toString();
    }
}

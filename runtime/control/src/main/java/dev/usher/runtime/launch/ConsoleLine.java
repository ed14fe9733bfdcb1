package dev.usher.runtime.launch;

import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * What the launcher says itself, in the console bundle's line format
 * ({@code 2026-11-23 05:05:12.345 INFO  [name] dev.usher.runtime.launch message}), on the
 * standard output of the moment (which is the log file with {@code --log-file}).
 */
final class ConsoleLine {

    static final String SOURCE = "dev.usher.runtime.launch";

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS", Locale.ROOT).withZone(ZoneId.systemDefault());

    private static volatile String name;

    private ConsoleLine() {
    }

    /** The process name ({@code -n}) shown in each line; null for none. */
    static void name(String processName) {
        name = processName;
    }

    static void info(String message) {
        print("INFO", message);
    }

    static void warn(String message) {
        print("WARN", message);
    }

    static void error(String message) {
        print("ERROR", message);
    }

    private static void print(String level, String message) {
        StringBuilder line = new StringBuilder(120);
        TIME.formatTo(Instant.now(), line);
        line.append(' ').append(level);
        for (int i = level.length(); i < 5; i++) {
            line.append(' ');
        }
        String processName = name;
        if (processName != null) {
            line.append(" [").append(processName).append(']');
        }
        line.append(' ').append(SOURCE).append(' ').append(message);
        PrintStream out = System.out;
        out.println(line);
        out.flush();
    }
}

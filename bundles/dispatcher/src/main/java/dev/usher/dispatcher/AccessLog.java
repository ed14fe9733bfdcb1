package dev.usher.dispatcher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

import org.osgi.service.log.Logger;

/**
 * The access log: one line per answered request in gunicorn's {@code access_log_format}
 * atoms, to the Log Service, standard output or a file. A file is reopened when it has been
 * moved away (by logrotate, say), so rotation needs no signal.
 */
final class AccessLog {

    /** One answered request, as the access log sees it. */
    record Entry(ServedRequest request, String requestLine, String remoteAddress, int status, long length,
            long nanos, BufferedResponse response) {
    }

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("'['dd/MMM/yyyy:HH:mm:ss Z']'", Locale.ROOT);
    private static final String PID = String.valueOf(ProcessHandle.current().pid());

    private final List<Atom> atoms;
    private final Logger logger;
    private final PrintStream stdout;
    private final Path file;
    private final Set<PosixFilePermission> permissions;
    private FileChannel channel;
    private Object fileKey;
    private long nextRotationCheck;

    private interface Atom {
        void append(StringBuilder line, Entry entry);
    }

    private AccessLog(String format, Logger logger, PrintStream stdout, Path file,
            Set<PosixFilePermission> permissions) {
        this.atoms = compile(format);
        this.logger = logger;
        this.stdout = stdout;
        this.file = file;
        this.permissions = permissions;
    }

    /**
     * The access log {@code accesslog} asks for, or null for none.
     *
     * @param accessLogger the Log Service logger for {@code accesslog=log}
     * @param permissions of a log file Usher creates; null for the system's default
     */
    static AccessLog of(String accesslog, String format, Logger accessLogger, Set<PosixFilePermission> permissions) {
        return switch (accesslog) {
            case "" -> null;
            case "log" -> new AccessLog(format, accessLogger, null, null, null);
            case "-" -> new AccessLog(format, null, System.out, null, null);
            default -> new AccessLog(format, null, null, Path.of(accesslog), permissions);
        };
    }

    /** Writes the line of {@code entry}; failures to write are logged, never thrown. */
    void log(Entry entry, Logger problems) {
        StringBuilder line = new StringBuilder(160);
        for (Atom atom : atoms) {
            atom.append(line, entry);
        }
        if (logger != null) {
            logger.info(line.toString());
        } else if (stdout != null) {
            stdout.println(line);
        } else {
            line.append('\n');
            try {
                write(line.toString());
            } catch (IOException e) {
                problems.error("Cannot write the access log {}: {}", file, e.getMessage());
            }
        }
    }

    /** Closes the file, if any. */
    synchronized void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // only appended to
            }
            channel = null;
        }
    }

    private synchronized void write(String line) throws IOException {
        long now = System.nanoTime();
        if (channel == null || now - nextRotationCheck > 0) {
            nextRotationCheck = now + TimeUnit.SECONDS.toNanos(1);
            Object key = Files.exists(file) ? Files.readAttributes(file, BasicFileAttributes.class).fileKey() : null;
            if (channel == null || key == null || !key.equals(fileKey)) {
                close();
                if (permissions != null && !Files.exists(file)) {
                    try {
                        Files.createFile(file, PosixFilePermissions.asFileAttribute(permissions));
                    } catch (java.nio.file.FileAlreadyExistsException raced) {
                        // created in between: append to it
                    }
                }
                channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.APPEND);
                fileKey = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
            }
        }
        ByteBuffer bytes = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }

    /** Splits a format into literal text and atoms, once. */
    private static List<Atom> compile(String format) {
        List<Atom> atoms = new ArrayList<>();
        int at = 0;
        while (at < format.length()) {
            int open = format.indexOf("%(", at);
            if (open < 0) {
                String text = format.substring(at);
                atoms.add((line, entry) -> line.append(text));
                break;
            }
            if (open > at) {
                String text = format.substring(at, open);
                atoms.add((line, entry) -> line.append(text));
            }
            int close = format.indexOf(")s", open);
            atoms.add(atom(format.substring(open + 2, close)));
            at = close + 2;
        }
        return atoms;
    }

    private static Atom atom(String name) {
        if (name.startsWith("{") && name.length() > 3) {
            String field = name.substring(1, name.length() - 2).toLowerCase(Locale.ROOT);
            return switch (name.charAt(name.length() - 1)) {
                case 'i' -> (line, e) -> dash(line, e.request() == null ? null
                        : e.request().headers().first(field).orElse(null));
                case 'o' -> (line, e) -> dash(line, e.response() == null ? null : e.response().header(field));
                default -> (line, e) -> line.append('-');
            };
        }
        return switch (name) {
            case "h" -> (line, e) -> line.append(e.remoteAddress());
            case "l", "u" -> (line, e) -> line.append('-');
            case "t" -> (line, e) -> line.append(TIME.format(ZonedDateTime.now()));
            case "r" -> (line, e) -> line.append(e.requestLine());
            case "m" -> (line, e) -> dash(line, e.request() == null ? null : e.request().method());
            case "U" -> (line, e) -> dash(line, e.request() == null ? null
                    : e.request().scriptName() + e.request().rawPathInfo());
            case "q" -> (line, e) -> line.append(e.request() == null ? "" : e.request().query());
            case "H" -> (line, e) -> dash(line, e.request() == null ? null : e.request().protocol());
            case "s" -> (line, e) -> line.append(e.status());
            case "B" -> (line, e) -> line.append(e.length());
            case "b" -> (line, e) -> {
                if (e.length() == 0) {
                    line.append('-');
                } else {
                    line.append(e.length());
                }
            };
            case "f" -> (line, e) -> dash(line, e.request() == null ? null
                    : e.request().headers().first("referer").orElse(null));
            case "a" -> (line, e) -> dash(line, e.request() == null ? null
                    : e.request().headers().first("user-agent").orElse(null));
            case "T" -> (line, e) -> line.append(TimeUnit.NANOSECONDS.toSeconds(e.nanos()));
            case "M" -> (line, e) -> line.append(TimeUnit.NANOSECONDS.toMillis(e.nanos()));
            case "D" -> (line, e) -> line.append(TimeUnit.NANOSECONDS.toMicros(e.nanos()));
            case "L" -> (line, e) -> line.append(String.format(Locale.ROOT, "%.6f", e.nanos() / 1e9));
            case "p" -> (line, e) -> line.append('<').append(PID).append('>');
            default -> (line, e) -> line.append('-');
        };
    }

    private static void dash(StringBuilder line, String value) {
        line.append(value == null || value.isEmpty() ? "-" : value);
    }
}

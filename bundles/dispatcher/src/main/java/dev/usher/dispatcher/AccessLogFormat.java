package dev.usher.dispatcher;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * An {@code access_log_format}, compiled once into literal text and gunicorn's
 * {@code %(name)s} atoms, that writes the line of one {@link AccessLog.Entry}. It runs on the
 * thread that answered the request, so it allocates little: the request time ({@code %(t)s}) is
 * formatted once a second, not once a request.
 */
final class AccessLogFormat {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("'['dd/MMM/yyyy:HH:mm:ss Z']'", Locale.ROOT);
    private static final String PID = String.valueOf(ProcessHandle.current().pid());

    /** One second's {@code %(t)s}, shared by every line written within it. */
    private record Second(long epochSecond, String text) {
    }

    private interface Atom {
        void append(StringBuilder line, AccessLog.Entry entry);
    }

    private final List<Atom> atoms;
    private final ZoneId zone;
    private volatile Second second = new Second(Long.MIN_VALUE, "");

    /** @param zone the time zone {@code %(t)s} is written in */
    AccessLogFormat(String format, ZoneId zone) {
        this.zone = zone;
        this.atoms = compile(format);
    }

    /** Appends the line of {@code entry}, without a line end. */
    void format(AccessLog.Entry entry, StringBuilder line) {
        for (Atom atom : atoms) {
            atom.append(line, entry);
        }
    }

    private String now() {
        long epochSecond = TimeUnit.MILLISECONDS.toSeconds(System.currentTimeMillis());
        Second cached = second;
        if (cached.epochSecond() != epochSecond) {
            cached = new Second(epochSecond, TIME.format(Instant.ofEpochSecond(epochSecond).atZone(zone)));
            second = cached;
        }
        return cached.text();
    }

    private List<Atom> compile(String format) {
        List<Atom> compiled = new ArrayList<>();
        int at = 0;
        while (at < format.length()) {
            int open = format.indexOf("%(", at);
            int close = open < 0 ? -1 : format.indexOf(")s", open);
            if (close < 0) {
                String text = format.substring(at);
                compiled.add((line, entry) -> line.append(text));
                break;
            }
            if (open > at) {
                String text = format.substring(at, open);
                compiled.add((line, entry) -> line.append(text));
            }
            compiled.add(atom(format.substring(open + 2, close)));
            at = close + 2;
        }
        return List.copyOf(compiled);
    }

    private Atom atom(String name) {
        if (name.startsWith("{") && name.length() > 3 && name.charAt(name.length() - 2) == '}') {
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
            case "t" -> (line, e) -> line.append(now());
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
            case "L" -> (line, e) -> seconds(line, e.nanos());
            case "p" -> (line, e) -> line.append('<').append(PID).append('>');
            default -> (line, e) -> line.append('-');
        };
    }

    /** Seconds with six decimals, as gunicorn's {@code %(L)s}. */
    private static void seconds(StringBuilder line, long nanos) {
        long micros = TimeUnit.NANOSECONDS.toMicros(nanos);
        String fraction = Long.toString(1_000_000 + micros % 1_000_000);
        line.append(micros / 1_000_000).append('.').append(fraction, 1, 7);
    }

    private static void dash(StringBuilder line, String value) {
        line.append(value == null || value.isEmpty() ? "-" : value);
    }
}

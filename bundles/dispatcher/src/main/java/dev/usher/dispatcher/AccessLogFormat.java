package dev.usher.dispatcher;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import dev.usher.http1.RequestHead;

/**
 * An {@code access_log_format}, compiled once into a list of parts (literal text and gunicorn's
 * {@code %(name)s} atoms), that appends the line of one {@link AccessLog.Entry}. It runs on the
 * thread that answered the request, for every request, so it is a plain switch over the parts
 * (one call site the JIT compiles well, where a lambda per atom would not inline) and allocates
 * little: the line is written as UTF-8 bytes straight into a {@link Utf8Lines}, and the request
 * time ({@code %(t)s}) is formatted once a second, not once a request.
 */
final class AccessLogFormat {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("'['dd/MMM/yyyy:HH:mm:ss Z']'", Locale.ROOT);
    private static final byte[] PID = ('<' + String.valueOf(ProcessHandle.current().pid()) + '>')
            .getBytes(StandardCharsets.US_ASCII);

    /** What a part of the format writes. */
    private enum Kind {
        TEXT, REMOTE, DASH, TIME, REQUEST_LINE, METHOD, URL_PATH, QUERY, PROTOCOL, STATUS, LENGTH,
        LENGTH_OR_DASH, REFERER, USER_AGENT, SECONDS, MILLIS, MICROS, DECIMAL_SECONDS, PID, REQUEST_FIELD,
        RESPONSE_FIELD
    }

    /** One part: its kind, and the literal text or the lower-case field name it needs. */
    private record Part(Kind kind, String text) {
    }

    /** One second's {@code %(t)s}, shared by every line written within it. */
    private record Second(long epochSecond, byte[] text) {
    }

    private final Part[] parts;
    private final ZoneId zone;
    private volatile Second second = new Second(Long.MIN_VALUE, new byte[0]);

    /** @param zone the time zone {@code %(t)s} is written in */
    AccessLogFormat(String format, ZoneId zone) {
        this.zone = zone;
        this.parts = compile(format).toArray(new Part[0]);
    }

    /** Appends the line of {@code entry}, without a line end. */
    void format(AccessLog.Entry e, Utf8Lines line) {
        ServedRequest request = e.request();
        for (Part part : parts) {
            switch (part.kind()) {
                case TEXT -> line.append(part.text());
                case REMOTE -> line.append(e.remoteAddress());
                case DASH -> line.appendAscii('-');
                case TIME -> line.append(now());
                case REQUEST_LINE -> requestLine(line, e.head());
                case METHOD -> dash(line, request == null ? null : request.method());
                case URL_PATH -> {
                    if (request == null) {
                        line.appendAscii('-');
                    } else {
                        line.append(request.scriptName()).append(request.rawPathInfo());
                    }
                }
                case QUERY -> line.append(request == null ? "" : request.query());
                case PROTOCOL -> dash(line, request == null ? null : request.protocol());
                case STATUS -> line.append(e.status());
                case LENGTH -> line.append(e.length());
                case LENGTH_OR_DASH -> {
                    if (e.length() == 0) {
                        line.appendAscii('-');
                    } else {
                        line.append(e.length());
                    }
                }
                case REFERER -> dash(line, requestField(e.head(), "referer"));
                case USER_AGENT -> dash(line, requestField(e.head(), "user-agent"));
                case SECONDS -> line.append(TimeUnit.NANOSECONDS.toSeconds(e.nanos()));
                case MILLIS -> line.append(TimeUnit.NANOSECONDS.toMillis(e.nanos()));
                case MICROS -> line.append(TimeUnit.NANOSECONDS.toMicros(e.nanos()));
                case DECIMAL_SECONDS -> seconds(line, e.nanos());
                case PID -> line.append(PID);
                case REQUEST_FIELD -> dash(line, requestField(e.head(), part.text()));
                case RESPONSE_FIELD -> dash(line, e.response() == null ? null : e.response().header(part.text()));
                default -> throw new IllegalStateException(part.kind().name());
            }
        }
    }

    /** A request field as received (the log shows what the client sent, hidden from applications or not). */
    private static String requestField(RequestHead head, String lowerCaseName) {
        return head == null ? null : head.field(lowerCaseName);
    }

    /** {@code %(r)s}: the request line as received, or a dash when none could be framed. */
    private static void requestLine(Utf8Lines line, RequestHead head) {
        if (head == null) {
            line.appendAscii('-');
        } else {
            line.append(head.method()).appendAscii(' ').append(head.target()).appendAscii(' ')
                    .append(head.version().text());
        }
    }

    private byte[] now() {
        long epochSecond = TimeUnit.MILLISECONDS.toSeconds(System.currentTimeMillis());
        Second cached = second;
        if (cached.epochSecond() != epochSecond) {
            cached = new Second(epochSecond, TIME.format(Instant.ofEpochSecond(epochSecond).atZone(zone))
                    .getBytes(StandardCharsets.UTF_8));
            second = cached;
        }
        return cached.text();
    }

    private static List<Part> compile(String format) {
        List<Part> compiled = new ArrayList<>();
        int at = 0;
        while (at < format.length()) {
            int open = format.indexOf("%(", at);
            int close = open < 0 ? -1 : format.indexOf(")s", open);
            if (close < 0) {
                compiled.add(new Part(Kind.TEXT, format.substring(at)));
                break;
            }
            if (open > at) {
                compiled.add(new Part(Kind.TEXT, format.substring(at, open)));
            }
            compiled.add(atom(format.substring(open + 2, close)));
            at = close + 2;
        }
        return compiled;
    }

    private static Part atom(String name) {
        if (name.startsWith("{") && name.length() > 3 && name.charAt(name.length() - 2) == '}') {
            String field = name.substring(1, name.length() - 2).toLowerCase(Locale.ROOT);
            return switch (name.charAt(name.length() - 1)) {
                case 'i' -> new Part(Kind.REQUEST_FIELD, field);
                case 'o' -> new Part(Kind.RESPONSE_FIELD, field);
                default -> new Part(Kind.DASH, null);
            };
        }
        Kind kind = switch (name) {
            case "h" -> Kind.REMOTE;
            case "t" -> Kind.TIME;
            case "r" -> Kind.REQUEST_LINE;
            case "m" -> Kind.METHOD;
            case "U" -> Kind.URL_PATH;
            case "q" -> Kind.QUERY;
            case "H" -> Kind.PROTOCOL;
            case "s" -> Kind.STATUS;
            case "B" -> Kind.LENGTH;
            case "b" -> Kind.LENGTH_OR_DASH;
            case "f" -> Kind.REFERER;
            case "a" -> Kind.USER_AGENT;
            case "T" -> Kind.SECONDS;
            case "M" -> Kind.MILLIS;
            case "D" -> Kind.MICROS;
            case "L" -> Kind.DECIMAL_SECONDS;
            case "p" -> Kind.PID;
            // l and u (remote logname and user) are never known; unknown atoms as gunicorn: a dash
            default -> Kind.DASH;
        };
        return new Part(kind, null);
    }

    /** Seconds with six decimals, as gunicorn's {@code %(L)s}. */
    private static void seconds(Utf8Lines line, long nanos) {
        long micros = TimeUnit.NANOSECONDS.toMicros(nanos);
        String fraction = Long.toString(1_000_000 + micros % 1_000_000);
        line.append(micros / 1_000_000).appendAscii('.').append(fraction.substring(1, 7));
    }

    private static void dash(Utf8Lines line, String value) {
        if (value == null || value.isEmpty()) {
            line.appendAscii('-');
        } else {
            line.append(value);
        }
    }
}

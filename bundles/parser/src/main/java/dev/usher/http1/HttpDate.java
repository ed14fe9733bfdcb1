package dev.usher.http1;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The {@code Date} field line, formatted at most once per second however many responses are
 * sent in it.
 */
public final class HttpDate {

    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private record Line(long second, byte[] bytes) {
    }

    private volatile Line line = format(System.currentTimeMillis() / 1000);

    /** {@code Date: <IMF-fixdate>\r\n} for the current second; do not modify the array. */
    public byte[] fieldLine() {
        long second = System.currentTimeMillis() / 1000;
        Line current = line;
        if (current.second != second) {
            current = format(second);
            line = current;
        }
        return current.bytes;
    }

    private static Line format(long second) {
        String text = "Date: " + IMF_FIXDATE.format(Instant.ofEpochSecond(second)) + "\r\n";
        return new Line(second, text.getBytes(StandardCharsets.US_ASCII));
    }
}

package dev.usher.servlet.http;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.Year;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.ResolverStyle;
import java.time.format.TextStyle;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTTP-dates (RFC 9110, section 5.6.7): written as IMF-fixdate, read in all three forms the RFC
 * obliges a recipient to accept. Every date is GMT.
 */
public final class HttpDates {

    // Day and month names are fixed English in every form, whatever the JVM's default locale.
    private static final DateTimeFormatter IMF_FIXDATE = DateTimeFormatter
            .ofPattern("EEE, dd MMM uuuu HH:mm:ss 'GMT'", Locale.US)
            .withResolverStyle(ResolverStyle.STRICT)
            .withZone(ZoneOffset.UTC);

    // asctime pads a one-digit day with a space: "Nov  6".
    private static final DateTimeFormatter ASCTIME = DateTimeFormatter
            .ofPattern("EEE MMM ppd HH:mm:ss uuuu", Locale.US)
            .withResolverStyle(ResolverStyle.STRICT);

    // RFC 850's two-digit year needs the current century, so this form is taken apart by hand.
    private static final Pattern RFC_850 = Pattern.compile(
            "(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\\d{2})-"
                    + "(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-(\\d{2}) "
                    + "(\\d{2}):(\\d{2}):(\\d{2}) GMT");

    private static final String MONTHS = "JanFebMarAprMayJunJulAugSepOctNovDec";

    private HttpDates() {
    }

    /** The IMF-fixdate of an instant, such as {@code Sun, 06 Nov 1994 08:49:37 GMT}. */
    public static String format(long epochMillis) {
        return IMF_FIXDATE.format(Instant.ofEpochMilli(epochMillis));
    }

    /**
     * The instant an HTTP-date names, in milliseconds since the epoch: IMF-fixdate, RFC 850 or
     * asctime form; -1 for null or anything else. Never throws.
     */
    public static long parse(String value) {
        if (value == null) {
            return -1;
        }
        String text = value.trim();
        try {
            if (text.length() == 29 && text.charAt(3) == ',') {
                return LocalDateTime.parse(text, IMF_FIXDATE).toInstant(ZoneOffset.UTC).toEpochMilli();
            }
            Matcher rfc850 = RFC_850.matcher(text);
            if (rfc850.matches()) {
                return parseRfc850(rfc850);
            }
            return LocalDateTime.parse(text, ASCTIME).toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (DateTimeException e) {
            return -1;
        }
    }

    private static long parseRfc850(Matcher fields) {
        int year = fullYear(Integer.parseInt(fields.group(4)), Year.now(ZoneOffset.UTC).getValue());
        LocalDateTime time = LocalDateTime.of(year, MONTHS.indexOf(fields.group(3)) / 3 + 1,
                Integer.parseInt(fields.group(2)), Integer.parseInt(fields.group(5)),
                Integer.parseInt(fields.group(6)), Integer.parseInt(fields.group(7)));
        // The other two forms have the weekday checked by their formatter; this one likewise.
        if (!time.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.US).equals(fields.group(1))) {
            return -1;
        }
        return time.toInstant(ZoneOffset.UTC).toEpochMilli();
    }

    /**
     * RFC 9110 5.6.7: a two-digit year more than 50 years in the future is the most recent past
     * year with those digits.
     */
    static int fullYear(int twoDigits, int currentYear) {
        int year = currentYear - currentYear % 100 + twoDigits;
        if (year > currentYear + 50) {
            year -= 100;
        } else if (year <= currentYear - 50) {
            year += 100;
        }
        return year;
    }
}

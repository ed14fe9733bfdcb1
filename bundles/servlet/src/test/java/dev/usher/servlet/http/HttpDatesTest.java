package dev.usher.servlet.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;

import org.junit.jupiter.api.Test;

/** HTTP-dates written as IMF-fixdate and read in the three forms of RFC 9110 5.6.7. */
class HttpDatesTest {

    // RFC 9110's own example: Sun, 06 Nov 1994 08:49:37 GMT
    private static final long EXAMPLE = 784_111_777_000L;

    @Test
    void formatsTheRfcsExampleAsImfFixdate() {
        assertEquals("Sun, 06 Nov 1994 08:49:37 GMT", HttpDates.format(EXAMPLE));
        assertEquals("Thu, 01 Jan 1970 00:00:00 GMT", HttpDates.format(0));
    }

    @Test
    void formatsDropMillisecondsAndPadTheDay() {
        assertEquals("Sat, 05 Sep 2020 07:03:09 GMT", HttpDates.format(1_599_289_389_999L));
    }

    @Test
    void formatsInEnglishWhateverTheDefaultLocale() {
        Locale before = Locale.getDefault();
        try {
            Locale.setDefault(Locale.FRANCE);
            assertEquals("Sun, 06 Nov 1994 08:49:37 GMT", HttpDates.format(EXAMPLE));
            assertEquals(EXAMPLE, HttpDates.parse("Sun, 06 Nov 1994 08:49:37 GMT"));
        } finally {
            Locale.setDefault(before);
        }
    }

    @Test
    void parsesAllThreeForms() {
        assertEquals(EXAMPLE, HttpDates.parse("Sun, 06 Nov 1994 08:49:37 GMT"));
        assertEquals(EXAMPLE, HttpDates.parse("Sunday, 06-Nov-94 08:49:37 GMT"));
        assertEquals(EXAMPLE, HttpDates.parse("Sun Nov  6 08:49:37 1994"));
        assertEquals(EXAMPLE + 10 * 86_400_000L, HttpDates.parse("Wed Nov 16 08:49:37 1994"));
    }

    @Test
    void parsesWhatItFormatsToTheSecond() {
        long millis = 1_700_000_123_456L;
        assertEquals(millis - 456, HttpDates.parse(HttpDates.format(millis)));
    }

    @Test
    void toleratesSurroundingWhitespace() {
        assertEquals(EXAMPLE, HttpDates.parse("  Sun, 06 Nov 1994 08:49:37 GMT "));
    }

    @Test
    void answersMinusOneForAnythingElse() {
        String[] bad = {
            null, "", "yesterday", "784111777",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Mon, 06 Nov 1994 08:49:37 GMT",      // the wrong weekday
            "Wed, 31 Nov 1994 08:49:37 GMT",      // no such day
            "sun, 06 nov 1994 08:49:37 GMT",      // names are case-sensitive
            "Sun, 06 Nov 1994 24:00:00 GMT",
            "Sun, 6 Nov 1994 08:49:37 GMT",       // RFC 1123 without the padding
            "Monday, 06-Nov-94 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 PST",
            "Sun Nov 06 08:49:37 1994 GMT",
        };
        for (String value : bad) {
            assertEquals(-1, HttpDates.parse(value), String.valueOf(value));
        }
    }

    @Test
    void aTwoDigitYearMoreThanFiftyYearsAheadIsInThePast() {
        assertEquals(1994, HttpDates.fullYear(94, 2026));
        assertEquals(2030, HttpDates.fullYear(30, 2026));
        assertEquals(2076, HttpDates.fullYear(76, 2026), "exactly fifty years ahead stays ahead");
        assertEquals(1977, HttpDates.fullYear(77, 2026));
        assertEquals(2110, HttpDates.fullYear(10, 2090), "a later century counts from its own");
        assertEquals(2000, HttpDates.fullYear(0, 2000));
    }
}

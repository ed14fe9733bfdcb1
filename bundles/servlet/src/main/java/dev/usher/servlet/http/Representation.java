package dev.usher.servlet.http;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * What a resource's validators are (RFC 9110, section 8.8) and how a request's preconditions
 * (section 13) fare against them.
 *
 * @param length the resource's length in bytes; negative when unknown
 * @param lastModified when it was last modified, in epoch milliseconds; 0 or less when unknown
 */
record Representation(long length, long lastModified) {

    /** The strong entity tag, or null when length or modification time is unknown. */
    String etag() {
        return length >= 0 && lastModified > 0 ? EntityTags.of(length, lastModified) : null;
    }

    /**
     * The outcome of a GET or HEAD's preconditions, in the order of RFC 9110 13.2.2:
     * {@code If-Match}, else {@code If-Unmodified-Since}; then {@code If-None-Match}, else
     * {@code If-Modified-Since}.
     *
     * @return 412 for a failed If-Match or If-Unmodified-Since, 304 for a resource the client
     *     has, 200 to go on
     */
    int evaluatePreconditions(HttpServletRequest request) {
        String etag = etag();
        String ifMatch = request.getHeader("If-Match");
        if (ifMatch != null) {
            if (!(etag == null ? ifMatch.trim().equals("*") : EntityTags.matches(ifMatch, etag, false))) {
                return HttpServletResponse.SC_PRECONDITION_FAILED;
            }
        } else {
            long ifUnmodifiedSince = HttpDates.parse(request.getHeader("If-Unmodified-Since"));
            if (ifUnmodifiedSince >= 0 && lastModified > 0 && seconds(lastModified) > seconds(ifUnmodifiedSince)) {
                return HttpServletResponse.SC_PRECONDITION_FAILED;
            }
        }
        String ifNoneMatch = request.getHeader("If-None-Match");
        if (ifNoneMatch != null) {
            boolean has = etag == null ? ifNoneMatch.trim().equals("*") : EntityTags.matches(ifNoneMatch, etag, true);
            return has ? HttpServletResponse.SC_NOT_MODIFIED : HttpServletResponse.SC_OK;
        }
        long ifModifiedSince = HttpDates.parse(request.getHeader("If-Modified-Since"));
        // RFC 9110 13.1.3: a date later than the server's clock is invalid, and ignored, lest a
        // client with a fast clock keep a stale copy.
        if (ifModifiedSince >= 0 && ifModifiedSince <= System.currentTimeMillis() && lastModified > 0
                && seconds(lastModified) <= seconds(ifModifiedSince)) {
            return HttpServletResponse.SC_NOT_MODIFIED;
        }
        return HttpServletResponse.SC_OK;
    }

    /**
     * Whether a {@code Range} may be honoured given {@code If-Range} (RFC 9110 13.1.5): true
     * without one; else only when it names this resource exactly, by the strong entity tag or by
     * the modification time to the second.
     */
    boolean ifRangeHolds(String ifRange) {
        if (ifRange == null) {
            return true;
        }
        String value = ifRange.trim();
        if (value.startsWith("\"") || value.startsWith("W/")) {
            // Strong comparison: a weak tag never equals the strong one.
            return value.equals(etag());
        }
        long date = HttpDates.parse(value);
        return date >= 0 && lastModified > 0 && seconds(date) == seconds(lastModified);
    }

    // HTTP-dates have whole seconds; a modification time in milliseconds is compared at that grain.
    private static long seconds(long millis) {
        return Math.floorDiv(millis, 1000);
    }
}

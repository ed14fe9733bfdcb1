package dev.usher.http1;

/**
 * The limits a {@link RequestParser} enforces.
 *
 * @param maxHeaderSize a request head (request line and fields) of this many bytes or more is
 *     refused with 431
 * @param maxBodySize a body of this many bytes or more is refused with 413
 */
public record ParserLimits(int maxHeaderSize, long maxBodySize) {

    /** waitress's defaults: 262144 bytes of head, 1 GiB of body. */
    public static final ParserLimits DEFAULTS = new ParserLimits(262_144, 1_073_741_824L);

    /** Checks the limits are positive. */
    public ParserLimits {
        if (maxHeaderSize < 1 || maxBodySize < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }
}

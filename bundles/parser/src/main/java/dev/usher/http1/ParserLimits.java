package dev.usher.http1;

/**
 * The limits a {@link RequestParser} enforces.
 *
 * @param maxHeaderSize a request head (request line and fields) of this many bytes or more is
 *     refused with 431; so is a chunked body's trailer section
 * @param maxBodySize a body of this many bytes or more is refused with 413
 * @param maxTargetLength a request-target longer than this is refused with 414
 */
public record ParserLimits(int maxHeaderSize, long maxBodySize, int maxTargetLength) {

    /** The request-target limit when none is given: 64 KiB, beyond any link a browser sends. */
    public static final int DEFAULT_MAX_TARGET_LENGTH = 65_536;

    /** waitress's defaults: 262144 bytes of head, 1 GiB of body; 64 KiB of request-target. */
    public static final ParserLimits DEFAULTS = new ParserLimits(262_144, 1_073_741_824L);

    /** Checks the limits are positive. */
    public ParserLimits {
        if (maxHeaderSize < 1 || maxBodySize < 1 || maxTargetLength < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }

    /** Limits with the default request-target length. */
    public ParserLimits(int maxHeaderSize, long maxBodySize) {
        this(maxHeaderSize, maxBodySize, DEFAULT_MAX_TARGET_LENGTH);
    }
}

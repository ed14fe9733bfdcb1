package dev.usher.config;

import java.util.Locale;

/**
 * Whether connections begin with a PROXY protocol header (HAProxy's specification), and which
 * version ({@code proxy_protocol}, as gunicorn's {@code --proxy-protocol}).
 */
public enum ProxyProtocol {

    /** No header: the socket's peer is the client. */
    OFF,
    /** Version 1, the text line ({@code PROXY TCP4 ...}). */
    V1,
    /** Version 2, the binary header. */
    V2,
    /** Either version, told apart by the first bytes. */
    AUTO;

    /** The setting's value naming it, lower case. */
    public String setting() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether a header of {@code version} (1 or 2) is accepted. */
    public boolean accepts(int version) {
        return this == AUTO || (this == V1 && version == 1) || (this == V2 && version == 2);
    }

    /**
     * The mode {@code value} names: {@code off}, {@code v1}, {@code v2} or {@code auto} in any
     * case, or a boolean ({@code true}, {@code on}, ... for {@code auto}; {@code false},
     * {@code off}, ... for {@code off}), as older gunicorn took it.
     *
     * @throws IllegalArgumentException naming the values there are
     */
    public static ProxyProtocol of(String value) {
        switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "off", "false", "f", "no", "n", "0":
                return OFF;
            case "auto", "true", "t", "yes", "y", "on", "1":
                return AUTO;
            case "v1":
                return V1;
            case "v2":
                return V2;
            default:
                throw new IllegalArgumentException("must be off, v1, v2 or auto (true: auto)");
        }
    }
}

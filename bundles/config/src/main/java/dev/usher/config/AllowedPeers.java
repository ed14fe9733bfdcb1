package dev.usher.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Peers allowed by a list of addresses and networks, or {@code *} for any: {@code
 * proxy_allow_ips}, the peers a PROXY protocol header is accepted from, and the status page's
 * {@code allow_ips}. Immutable; built once per settings change, asked at every connection.
 */
public final class AllowedPeers {

    /** A network, or one address: a network as long as the address. */
    private record Range(byte[] network, int prefix) {

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int whole = prefix / 8;
            for (int i = 0; i < whole; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = 0xff << (8 - rest) & 0xff;
            return (address[whole] & mask) == (network[whole] & mask);
        }
    }

    private final boolean any;
    private final List<Range> ranges;

    private final List<String> entries;

    private AllowedPeers(boolean any, List<Range> ranges, List<String> entries) {
        this.any = any;
        this.ranges = ranges;
        this.entries = entries;
    }

    /**
     * Reads the peers of the setting {@code property}: addresses and networks in CIDR notation
     * ({@code 10.0.0.0/8}, {@code fd00::/8}) or {@code *}, separated by commas or spaces, as a
     * string or a list.
     *
     * @throws InvalidSettingException naming {@code property} for an entry that is none of these
     */
    public static AllowedPeers parse(String property, Object value) throws InvalidSettingException {
        List<String> entries = new ArrayList<>();
        for (String word : Converters.words(value, "[\\s,]+")) {
            entries.add(AddressConverters.allowedPeer(property, word, value));
        }
        return of(entries);
    }

    /**
     * The peers {@code allowed} names: {@code *}, address literals and {@code literal/prefix}
     * networks, as {@link #parse} (or a setting such as {@code proxy_allow_ips}) checked and
     * normalized them.
     */
    public static AllowedPeers of(List<String> allowed) {
        List<Range> ranges = new ArrayList<>();
        boolean any = false;
        for (String entry : allowed) {
            if (entry.equals("*")) {
                any = true;
                continue;
            }
            int slash = entry.indexOf('/');
            byte[] address = literal(slash < 0 ? entry : entry.substring(0, slash));
            if (address != null) {
                ranges.add(new Range(address, slash < 0 ? address.length * 8 : Integer.parseInt(entry.substring(slash + 1))));
            }
        }
        return new AllowedPeers(any, List.copyOf(ranges), List.copyOf(allowed));
    }

    /** The entries, as normalized: {@code 127.0.0.1}, {@code 0:0:0:0:0:0:0:1}, {@code 10.0.0.0/8}, {@code *}. */
    public List<String> entries() {
        return entries;
    }

    /**
     * Whether the peer of address {@code peer} (as Java reports it; {@code localhost} for a unix
     * socket, which only {@code *} allows) is allowed.
     */
    public boolean allows(String peer) {
        if (any) {
            return true;
        }
        byte[] address = literal(peer);
        if (address == null) {
            return false;
        }
        for (Range range : ranges) {
            if (range.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /** The bytes of an address literal, never looked up; null for anything else (a unix peer's {@code localhost}). */
    private static byte[] literal(String text) {
        boolean literal = text.indexOf(':') >= 0 ? text.matches("[0-9A-Fa-f:.]+") : text.matches("[0-9.]+");
        if (!literal) {
            return null;
        }
        try {
            return InetAddress.getByName(text).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }
}

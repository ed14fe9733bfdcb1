package dev.usher.dispatcher;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The peers a PROXY protocol header is accepted from ({@code proxy_allow_ips}): any, or
 * addresses and networks. Built once per settings change, asked at every accept.
 */
final class ProxyPeers {

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

    private ProxyPeers(boolean any, List<Range> ranges) {
        this.any = any;
        this.ranges = ranges;
    }

    /**
     * The peers {@code allowed} names: {@code *}, address literals and {@code literal/prefix}
     * networks, as the config bundle has checked and normalized them.
     */
    static ProxyPeers of(List<String> allowed) {
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
        return new ProxyPeers(any, List.copyOf(ranges));
    }

    /** Whether a peer of address {@code peer} (as Java reports it; {@code localhost} for a unix socket) may send a header. */
    boolean allows(String peer) {
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

package dev.usher.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The readers of the settings that name addresses: {@code listen}, {@code host},
 * {@code trusted_proxy} and {@code trusted_proxy_headers}. None looks a name up.
 */
final class AddressConverters {

    /** {@code trusted_proxy} value that trusts every peer. */
    static final String ANY_PROXY = "*";
    /** {@code trusted_proxy} value that trusts peers on the Unix domain socket. */
    static final String LOCALHOST_PROXY = "localhost";
    /** The proxy headers {@code trusted_proxy_headers} may name, lower case. */
    static final Set<String> PROXY_HEADERS = Set.of(
            "forwarded", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-forwarded-port",
            "x-forwarded-by");

    private AddressConverters() {
    }

    /**
     * {@code listen}: {@code host:port}, {@code [v6]:port} or {@code *:port}; a word without a
     * port means port {@value Settings#DEFAULT_PORT}.
     */
    static ListenAddress listenAddress(String name, String word, Object value) throws InvalidSettingException {
        String host;
        String port;
        if (word.startsWith("[")) {
            int close = word.indexOf(']');
            if (close < 0 || (close + 1 < word.length() && word.charAt(close + 1) != ':')) {
                throw new InvalidSettingException(name, value, "malformed address " + word);
            }
            host = word.substring(1, close);
            port = close + 1 < word.length() ? word.substring(close + 2) : String.valueOf(Settings.DEFAULT_PORT);
        } else {
            int colon = word.lastIndexOf(':');
            if (colon >= 0 && word.indexOf(':') != colon) {
                throw new InvalidSettingException(name, value, "an IPv6 address needs brackets: " + word);
            }
            host = colon < 0 ? word : word.substring(0, colon);
            port = colon < 0 ? String.valueOf(Settings.DEFAULT_PORT) : word.substring(colon + 1);
        }
        if (host.isEmpty()) {
            throw new InvalidSettingException(name, value, "no host in " + word);
        }
        try {
            int number = Integer.parseInt(port);
            if (number < 0 || number > 65535) {
                throw new NumberFormatException();
            }
            return new ListenAddress(host, number);
        } catch (NumberFormatException e) {
            throw new InvalidSettingException(name, value, "invalid port in " + word);
        }
    }

    /** {@code host}: a name or an address, IPv6 with or without brackets. */
    static Setting.Converter<String> host() {
        return (name, value) -> {
            String host = Converters.text(name, value);
            if (host.isEmpty()) {
                throw new InvalidSettingException(name, value, "must not be empty");
            }
            return stripBrackets(host);
        };
    }

    /**
     * {@code trusted_proxy}: an IPv4 or IPv6 literal (brackets allowed; IPv6 in
     * {@link InetAddress#getHostAddress()}'s form, so that it equals the peer address Java
     * reports), {@value #ANY_PROXY} or {@value #LOCALHOST_PROXY}. Host names are refused: they
     * would need a lookup and may change.
     */
    static Setting.Converter<String> trustedProxy() {
        return (name, value) -> {
            String proxy = Converters.text(name, value);
            if (proxy.equals(ANY_PROXY) || ipv4Literal(proxy)) {
                return proxy;
            }
            if (proxy.equalsIgnoreCase(LOCALHOST_PROXY)) {
                return LOCALHOST_PROXY;
            }
            String ipv6 = ipv6Literal(stripBrackets(proxy));
            if (ipv6 != null) {
                return ipv6;
            }
            throw new InvalidSettingException(name, proxy, "must be an IP address, * or localhost");
        };
    }

    /**
     * {@code trusted_proxy_headers}: names of {@link #PROXY_HEADERS} separated by white space or
     * commas, or a {@code String[]} or collection, in any case; {@code forwarded} excludes the
     * {@code x-forwarded-*} headers.
     */
    static Setting.Converter<Set<String>> proxyHeaders() {
        return (name, value) -> {
            java.util.SortedSet<String> headers = new TreeSet<>();
            for (String word : Converters.words(value, "[\\s,]+")) {
                String header = word.toLowerCase(Locale.ROOT);
                if (!PROXY_HEADERS.contains(header)) {
                    throw new InvalidSettingException(name, value,
                            "unknown header " + word + "; known: " + new TreeSet<>(PROXY_HEADERS));
                }
                headers.add(header);
            }
            if (headers.contains("forwarded") && headers.size() > 1) {
                throw new InvalidSettingException(name, value,
                        "forwarded and the x-forwarded-* headers cannot both be trusted");
            }
            return java.util.Collections.unmodifiableSortedSet(headers);
        };
    }

    /**
     * One peer of {@code proxy_allow_ips}: {@code *} for any, an IPv4 or IPv6 literal (brackets
     * allowed; IPv6 in Java's form, so that it equals the peer address Java reports), or a
     * network in CIDR notation, {@code 10.0.0.0/8} or {@code fd00::/8}, as gunicorn 24 takes them.
     */
    static String allowedPeer(String name, String word, Object value) throws InvalidSettingException {
        if (word.equals(ANY_PROXY)) {
            return word;
        }
        int slash = word.indexOf('/');
        String address = slash < 0 ? word : word.substring(0, slash);
        String literal = ipv4Literal(address) ? address : ipv6Literal(stripBrackets(address));
        if (literal == null) {
            throw new InvalidSettingException(name, value, "'" + word + "' is not an IP address, a network or *");
        }
        if (slash < 0) {
            return literal;
        }
        int bits = literal.indexOf(':') < 0 ? 32 : 128;
        String prefix = word.substring(slash + 1);
        if (!prefix.matches("\\d{1,3}") || Integer.parseInt(prefix) > bits) {
            throw new InvalidSettingException(name, value, "'" + word + "': a network's prefix length is 0 to " + bits);
        }
        return literal + "/" + Integer.parseInt(prefix);
    }

    /** Whether {@code s} is a dotted quad of decimal numbers 0-255 without leading zeros. */
    static boolean ipv4Literal(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || (part.length() > 1 && part.charAt(0) == '0')) {
                return false;
            }
            for (int i = 0; i < part.length(); i++) {
                if (part.charAt(i) < '0' || part.charAt(i) > '9') {
                    return false;
                }
            }
            if (Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    /**
     * The IPv6 literal {@code s} in Java's textual form (an IPv4-mapped address as IPv4), or
     * {@code null} if {@code s} is not one. Never looks a name up: only hex digits, colons and
     * dots pass, and with a colon present {@link InetAddress} parses the text as a literal.
     */
    static String ipv6Literal(String s) {
        if (s.indexOf(':') < 0) {
            return null;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.digit(c, 16) < 0 && c != ':' && c != '.') {
                return null;
            }
        }
        if (Character.digit(s.charAt(0), 16) < 0 && s.charAt(0) != ':') {
            return null;
        }
        try {
            return InetAddress.getByName(s).getHostAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static String stripBrackets(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }
}

package dev.usher.dispatcher;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import org.osgi.service.log.Logger;

import dev.usher.config.Adjustments;
import dev.usher.http1.RequestHead;

/**
 * waitress's trusted-proxy rules: the {@code X-Forwarded-*} and {@code Forwarded} fields are
 * believed only from the {@code trusted_proxy} peer, only those named in
 * {@code trusted_proxy_headers}, and of each only the hop {@code trusted_proxy_count} from the
 * end. They set the address, scheme, host and port the application is told of. The proxy
 * fields not believed are hidden from the application ({@code clear_untrusted_proxy_headers})
 * and may be logged.
 */
final class TrustedProxies {

    /** Every field a proxy may set. */
    static final Set<String> PROXY_FIELDS = Set.of("x-forwarded-for", "x-forwarded-host", "x-forwarded-proto",
            "x-forwarded-port", "x-forwarded-by", "forwarded");

    private final Adjustments settings;
    private final Logger logger;

    TrustedProxies(Adjustments settings, Logger logger) {
        this.settings = settings;
        this.logger = logger;
    }

    /**
     * Where a request came from, proxies taken into account.
     *
     * @throws IllegalArgumentException for a believed field that is malformed: a 400
     */
    RequestOrigin origin(Peer peer, RequestHead head, String authority) {
        RequestOrigin direct = RequestOrigin.direct(peer, settings.urlScheme(), authority, head.field("host"),
                settings.serverName());
        boolean trusted = trusts(peer);
        Set<String> believed = trusted ? settings.trustedProxyHeaders() : Set.of();
        // allocated only for a request that carries a proxy field: most carry none
        Set<String> untrusted = Set.of();
        for (int i = 0; i < head.fieldCount(); i++) {
            String name = head.fieldName(i);
            if (PROXY_FIELDS.contains(name) && !believed.contains(name)) {
                if (untrusted.isEmpty()) {
                    untrusted = new TreeSet<>();
                }
                untrusted.add(name);
            }
        }
        if (!untrusted.isEmpty() && settings.logUntrustedProxyHeaders()) {
            logger.warn("Untrusted proxy fields {} from {}", untrusted, peer.remoteAddress());
        }
        Set<String> hidden = settings.clearUntrustedProxyHeaders() ? untrusted : Set.of();
        if (believed.isEmpty()) {
            return direct.hiding(hidden);
        }
        return forwarded(direct, head, believed).hiding(hidden);
    }

    private boolean trusts(Peer peer) {
        String proxy = settings.trustedProxy();
        return !proxy.isEmpty() && (proxy.equals("*") || proxy.equals(peer.remoteAddress()));
    }

    private RequestOrigin forwarded(RequestOrigin direct, RequestHead head, Set<String> believed) {
        int count = settings.trustedProxyCount();
        String address = direct.remoteAddress();
        int remotePort = direct.remotePort();
        String scheme = direct.scheme();
        String host = null;
        String port = null;
        if (believed.contains("forwarded")) {
            String element = hop(all(head, "forwarded"), count);
            if (element != null) {
                for (String pair : element.split(";")) {
                    int eq = pair.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("malformed Forwarded field");
                    }
                    String key = pair.substring(0, eq).strip().toLowerCase(Locale.ROOT);
                    String value = unquote(pair.substring(eq + 1).strip());
                    switch (key) {
                        case "for" -> {
                            String[] node = node(value);
                            address = node[0];
                            remotePort = node[1] == null ? 0 : port(node[1]);
                        }
                        case "proto" -> scheme = scheme(value);
                        case "host" -> host = value;
                        case "by" -> { }
                        default -> throw new IllegalArgumentException("unknown Forwarded parameter " + key);
                    }
                }
            }
        } else {
            if (believed.contains("x-forwarded-for")) {
                String client = hop(all(head, "x-forwarded-for"), count);
                if (client != null) {
                    String[] node = node(client);
                    address = node[0];
                    remotePort = node[1] == null ? 0 : port(node[1]);
                }
            }
            if (believed.contains("x-forwarded-proto")) {
                String proto = single(head, "x-forwarded-proto", count);
                if (proto != null) {
                    scheme = scheme(proto);
                }
            }
            if (believed.contains("x-forwarded-host")) {
                host = hop(all(head, "x-forwarded-host"), count);
            }
            if (believed.contains("x-forwarded-port")) {
                port = single(head, "x-forwarded-port", count);
            }
        }
        String resultHost = direct.host();
        int resultPort = scheme.equals(direct.scheme()) ? direct.port() : RequestOrigin.defaultPort(scheme);
        if (host != null && !host.isEmpty()) {
            RequestOrigin named = RequestOrigin.direct(new Peer(address, remotePort, direct.host(), resultPort, List.of()),
                    scheme, host, null, settings.serverName());
            resultHost = named.host();
            resultPort = named.port();
        }
        if (port != null) {
            resultPort = port(port);
        }
        return new RequestOrigin(address, remotePort, scheme, resultHost, resultPort, Set.of());
    }

    /** The values of every field named {@code name}, as one comma-separated list. */
    private static List<String> all(RequestHead head, String name) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < head.fieldCount(); i++) {
            if (head.fieldName(i).equals(name)) {
                for (String value : head.fieldValue(i).split(",", -1)) {
                    values.add(value.strip());
                }
            }
        }
        return values;
    }

    /** The hop {@code count} from the end, or the first when there are fewer; null for none. */
    private static String hop(List<String> values, int count) {
        if (values.isEmpty()) {
            return null;
        }
        String value = values.get(Math.max(0, values.size() - count));
        if (value.isEmpty()) {
            throw new IllegalArgumentException("empty element in a proxy field");
        }
        return value;
    }

    /** A field that holds one value per trusted hop at most. */
    private static String single(RequestHead head, String name, int count) {
        List<String> values = all(head, name);
        if (values.size() > count) {
            throw new IllegalArgumentException(name + " holds more values than there are trusted proxies");
        }
        return hop(values, count);
    }

    private static String scheme(String value) {
        String lower = value.toLowerCase(Locale.ROOT);
        if (!lower.equals("http") && !lower.equals("https")) {
            throw new IllegalArgumentException("scheme " + value + " is neither http nor https");
        }
        return lower;
    }

    private static int port(String value) {
        try {
            int port = Integer.parseInt(value.strip());
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid port " + value);
        }
    }

    /** An address with an optional port: {@code 1.2.3.4}, {@code 1.2.3.4:5}, {@code [::1]:5}, {@code ::1}. */
    private static String[] node(String value) {
        if (value.startsWith("[")) {
            int close = value.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("malformed address " + value);
            }
            String rest = value.substring(close + 1);
            if (!rest.isEmpty() && !rest.startsWith(":")) {
                throw new IllegalArgumentException("malformed address " + value);
            }
            return new String[] {value.substring(1, close), rest.isEmpty() ? null : rest.substring(1)};
        }
        int colon = value.indexOf(':');
        if (colon >= 0 && colon == value.lastIndexOf(':')) {
            return new String[] {value.substring(0, colon), value.substring(colon + 1)};
        }
        return new String[] {value, null};
    }

    private static String unquote(String value) {
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            return value.substring(1, value.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
        }
        return value;
    }
}

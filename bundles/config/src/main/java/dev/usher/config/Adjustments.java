package dev.usher.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every setting of one Usher server, parsed and validated: waitress's setting names, meanings
 * and defaults, plus {@code workers} (the number of I/O loops, gunicorn's {@code -w}).
 *
 * @param listen the addresses to listen on: {@code listen}, or else {@code host}:{@code port}
 * @param ipv4 whether {@code *} binds IPv4 addresses
 * @param ipv6 whether {@code *} binds IPv6 addresses
 * @param threads application threads
 * @param workers I/O loops
 * @param ident the {@code Server} header's value; empty for none
 * @param backlog the listen backlog
 * @param recvBytes bytes read from a socket at a time
 * @param sendBytes bytes written to a socket at a time
 * @param inbufOverflow request body bytes kept in memory before a temporary file
 * @param outbufOverflow response bytes kept in memory before a temporary file
 * @param outbufHighWatermark pending response bytes above which an application thread waits
 * @param connectionLimit open connections above which the server stops accepting
 * @param cleanupInterval seconds between sweeps for idle connections
 * @param channelTimeout seconds of inactivity after which a connection is closed
 * @param logSocketErrors whether premature disconnects are logged
 * @param maxRequestHeaderSize bytes of request head at which a request is refused (431)
 * @param maxRequestBodySize bytes of request body at which a request is refused (413)
 * @param exposeTracebacks whether a 500 shows the application's stack trace
 * @param urlScheme the scheme applications are told requests came with
 * @param urlPrefix the path prefix every application is mounted below
 * @param channelRequestLookahead pipelined requests read ahead of the one being answered
 */
public record Adjustments(
        List<ListenAddress> listen,
        boolean ipv4,
        boolean ipv6,
        int threads,
        int workers,
        String ident,
        int backlog,
        int recvBytes,
        int sendBytes,
        int inbufOverflow,
        int outbufOverflow,
        long outbufHighWatermark,
        int connectionLimit,
        int cleanupInterval,
        int channelTimeout,
        boolean logSocketErrors,
        int maxRequestHeaderSize,
        long maxRequestBodySize,
        boolean exposeTracebacks,
        String urlScheme,
        String urlPrefix,
        int channelRequestLookahead) {

    /** The default host. */
    public static final String DEFAULT_HOST = "0.0.0.0";
    /** The default port. */
    public static final int DEFAULT_PORT = 8080;

    /** Properties Config Admin, SCR and FileInstall add themselves: never warned about. */
    private static final Set<String> FRAMEWORK_PROPERTIES = Set.of(
            "service.pid", "service.factoryPid", "service.bundleLocation", "felix.fileinstall.filename",
            "component.name", "component.id");

    /** The names of every setting this value holds. */
    public static final Set<String> PROPERTIES = Set.of(
            "host", "port", "listen", "ipv4", "ipv6", "threads", "workers", "ident", "backlog", "recv_bytes",
            "send_bytes", "inbuf_overflow", "outbuf_overflow", "outbuf_high_watermark", "connection_limit",
            "cleanup_interval", "channel_timeout", "log_socket_errors", "max_request_header_size",
            "max_request_body_size", "expose_tracebacks", "url_scheme", "url_prefix", "channel_request_lookahead");

    /** Checks invariants that hold whatever the source. */
    public Adjustments {
        listen = List.copyOf(listen);
        if (listen.isEmpty()) {
            throw new IllegalArgumentException("nothing to listen on");
        }
    }

    /** The defaults: waitress's, with {@code ident} {@code usher}. */
    public static Adjustments defaults() {
        try {
            return parse(Map.of());
        } catch (InvalidSettingException e) {
            throw new AssertionError(e);
        }
    }

    /** The default number of I/O loops: one per available processor. */
    public static int defaultWorkers() {
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    /**
     * Parses configuration properties as waitress parses its arguments: strings as well as
     * Config Admin's typed values. Absent properties take their defaults.
     *
     * @throws InvalidSettingException naming the first property that cannot be used
     */
    public static Adjustments parse(Map<String, ?> properties) throws InvalidSettingException {
        Values v = new Values(properties);
        boolean hostOrPort = properties.containsKey("host") || properties.containsKey("port");
        List<ListenAddress> listen;
        if (properties.containsKey("listen")) {
            if (hostOrPort) {
                throw new InvalidSettingException("listen", properties.get("listen"),
                        "cannot be combined with host or port");
            }
            listen = parseListen(properties.get("listen"));
        } else {
            String host = v.string("host", DEFAULT_HOST);
            if (host.isBlank()) {
                throw new InvalidSettingException("host", host, "must not be empty");
            }
            listen = List.of(new ListenAddress(stripBrackets(host), v.integer("port", DEFAULT_PORT, 0, 65535)));
        }
        String urlPrefix = v.string("url_prefix", "");
        if (!urlPrefix.isEmpty()) {
            urlPrefix = "/" + trimSlashes(urlPrefix);
            if (urlPrefix.equals("/")) {
                urlPrefix = "";
            }
        }
        String urlScheme = v.string("url_scheme", "http").toLowerCase(Locale.ROOT);
        if (!urlScheme.equals("http") && !urlScheme.equals("https")) {
            throw new InvalidSettingException("url_scheme", urlScheme, "must be http or https");
        }
        boolean ipv4 = v.bool("ipv4", true);
        boolean ipv6 = v.bool("ipv6", true);
        if (!ipv4 && !ipv6) {
            throw new InvalidSettingException("ipv6", false, "ipv4 and ipv6 cannot both be off");
        }
        String ident = v.string("ident", "usher");
        for (int i = 0; i < ident.length(); i++) {
            char c = ident.charAt(i);
            if (c < 0x20 || c == 0x7f || c > 0xff) {
                throw new InvalidSettingException("ident", ident, "holds a control character");
            }
        }
        return new Adjustments(
                listen,
                ipv4,
                ipv6,
                v.integer("threads", 4, 1, 10_000),
                v.integer("workers", defaultWorkers(), 1, 1024),
                ident,
                v.integer("backlog", 1024, 1, Integer.MAX_VALUE),
                v.integer("recv_bytes", 8192, 1, 64 << 20),
                v.integer("send_bytes", 18000, 1, 64 << 20),
                v.integer("inbuf_overflow", 524288, 0, Integer.MAX_VALUE),
                v.integer("outbuf_overflow", 1048576, 0, Integer.MAX_VALUE),
                v.longInteger("outbuf_high_watermark", 16777216L, 1, Long.MAX_VALUE),
                v.integer("connection_limit", 100, 1, Integer.MAX_VALUE),
                v.integer("cleanup_interval", 30, 1, Integer.MAX_VALUE),
                v.integer("channel_timeout", 120, 1, Integer.MAX_VALUE),
                v.bool("log_socket_errors", true),
                v.integer("max_request_header_size", 262144, 1, Integer.MAX_VALUE),
                v.longInteger("max_request_body_size", 1073741824L, 1, Long.MAX_VALUE),
                v.bool("expose_tracebacks", false),
                urlScheme,
                urlPrefix,
                v.integer("channel_request_lookahead", 0, 0, 1024));
    }

    /** The properties in {@code properties} that are neither settings nor the framework's. */
    public static Set<String> unknownProperties(Map<String, ?> properties) {
        Set<String> unknown = new TreeSet<>();
        for (String key : properties.keySet()) {
            if (!PROPERTIES.contains(key) && !FRAMEWORK_PROPERTIES.contains(key)) {
                unknown.add(key);
            }
        }
        return unknown;
    }

    private static List<ListenAddress> parseListen(Object value) throws InvalidSettingException {
        List<String> words = new ArrayList<>();
        for (String item : Values.strings(value)) {
            for (String word : item.trim().split("\\s+")) {
                if (!word.isEmpty()) {
                    words.add(word);
                }
            }
        }
        if (words.isEmpty()) {
            throw new InvalidSettingException("listen", value, "names no address");
        }
        List<ListenAddress> addresses = new ArrayList<>();
        for (String word : words) {
            addresses.add(parseAddress(word, value));
        }
        return addresses;
    }

    private static ListenAddress parseAddress(String word, Object value) throws InvalidSettingException {
        String host;
        String port;
        if (word.startsWith("[")) {
            int close = word.indexOf(']');
            if (close < 0 || (close + 1 < word.length() && word.charAt(close + 1) != ':')) {
                throw new InvalidSettingException("listen", value, "malformed address " + word);
            }
            host = word.substring(1, close);
            port = close + 1 < word.length() ? word.substring(close + 2) : String.valueOf(DEFAULT_PORT);
        } else {
            int colon = word.lastIndexOf(':');
            if (colon >= 0 && word.indexOf(':') != colon) {
                throw new InvalidSettingException("listen", value, "an IPv6 address needs brackets: " + word);
            }
            host = colon < 0 ? word : word.substring(0, colon);
            port = colon < 0 ? String.valueOf(DEFAULT_PORT) : word.substring(colon + 1);
        }
        if (host.isEmpty()) {
            throw new InvalidSettingException("listen", value, "no host in " + word);
        }
        try {
            int number = Integer.parseInt(port);
            if (number < 0 || number > 65535) {
                throw new NumberFormatException();
            }
            return new ListenAddress(host, number);
        } catch (NumberFormatException e) {
            throw new InvalidSettingException("listen", value, "invalid port in " + word);
        }
    }

    private static String stripBrackets(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static String trimSlashes(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && s.charAt(from) == '/') {
            from++;
        }
        while (to > from && s.charAt(to - 1) == '/') {
            to--;
        }
        return s.substring(from, to);
    }

    /** Typed reads of configuration values, each error naming its property. */
    private record Values(Map<String, ?> properties) {

        String string(String name, String fallback) throws InvalidSettingException {
            Object value = properties.get(name);
            if (value == null) {
                return fallback;
            }
            List<String> all = strings(value);
            if (all.size() != 1) {
                throw new InvalidSettingException(name, value, "must be a single value");
            }
            return all.get(0).trim();
        }

        int integer(String name, int fallback, int min, int max) throws InvalidSettingException {
            return (int) longInteger(name, fallback, min, max);
        }

        long longInteger(String name, long fallback, long min, long max) throws InvalidSettingException {
            Object value = properties.get(name);
            if (value == null) {
                return fallback;
            }
            long number;
            if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
                number = ((Number) value).longValue();
            } else {
                String text = string(name, null);
                try {
                    number = Long.parseLong(text);
                } catch (NumberFormatException e) {
                    throw new InvalidSettingException(name, value, "not a whole number");
                }
            }
            if (number < min || number > max) {
                throw new InvalidSettingException(name, value,
                        max == Integer.MAX_VALUE || max == Long.MAX_VALUE
                                ? "must be at least " + min
                                : "must be from " + min + " to " + max);
            }
            return number;
        }

        boolean bool(String name, boolean fallback) throws InvalidSettingException {
            Object value = properties.get(name);
            if (value == null) {
                return fallback;
            }
            if (value instanceof Boolean b) {
                return b;
            }
            switch (string(name, "").toLowerCase(Locale.ROOT)) {
                case "t", "true", "y", "yes", "on", "1":
                    return true;
                case "f", "false", "n", "no", "off", "0":
                    return false;
                default:
                    throw new InvalidSettingException(name, value, "not a boolean (true/false, yes/no, on/off, 1/0)");
            }
        }

        static List<String> strings(Object value) {
            if (value instanceof String[] array) {
                return List.of(array);
            }
            if (value instanceof Collection<?> collection) {
                List<String> all = new ArrayList<>();
                for (Object o : collection) {
                    all.add(String.valueOf(o));
                }
                return all;
            }
            return List.of(String.valueOf(value));
        }
    }
}

package dev.usher.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every setting of one Usher server, parsed and validated: waitress's setting names, meanings
 * and defaults, plus {@code workers} (the number of I/O loops, gunicorn's {@code -w}).
 *
 * <p>Where waitress is lenient Usher refuses: a boolean that is none of waitress's spellings, a
 * number out of range or an unknown proxy header is an {@link InvalidSettingException}, not a
 * silent {@code false} or a failure at the first request.
 *
 * @param listen the TCP addresses to listen on: {@code listen}, or else {@code host}:{@code port};
 *     empty when the server listens on {@code unix_socket} only
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
 * @param connectionLimit connections served at once: with a request in service, or holding more
 *     than a few kilobytes of one
 * @param waitingConnectionLimit connections held open while they wait for a request
 * @param cleanupInterval seconds between sweeps for idle connections
 * @param channelTimeout seconds of inactivity after which a connection is closed
 * @param logSocketErrors whether premature disconnects are logged
 * @param maxRequestHeaderSize bytes of request head at which a request is refused (431)
 * @param maxRequestBodySize bytes of request body at which a request is refused (413)
 * @param exposeTracebacks whether a 500 shows the application's stack trace
 * @param urlScheme the scheme applications are told requests came with
 * @param urlPrefix the path prefix every application is mounted below
 * @param channelRequestLookahead pipelined requests read ahead of the one being answered
 * @param unixSocket the path of a Unix domain socket to listen on as well; empty for none
 * @param unixSocketPerms the Unix domain socket's file mode, e.g. {@code 0600} (384)
 * @param trustedProxy the peer whose proxy headers are trusted: empty for none, {@code *} for
 *     any peer, {@code localhost} for peers on the Unix domain socket, or else an IP address
 *     (IPv4 dotted quad, or IPv6 in {@link InetAddress#getHostAddress()}'s form, so that it
 *     equals the peer address Java reports)
 * @param trustedProxyCount how many proxies in a chain are trusted (the last ones)
 * @param trustedProxyHeaders the proxy headers trusted from {@code trustedProxy}, lower case:
 *     {@code forwarded}, or some of {@code x-forwarded-for}, {@code x-forwarded-host},
 *     {@code x-forwarded-proto}, {@code x-forwarded-port}, {@code x-forwarded-by}; empty when
 *     there is no trusted proxy
 * @param clearUntrustedProxyHeaders whether proxy headers that are not trusted are removed
 *     before an application sees the request
 * @param logUntrustedProxyHeaders whether removing an untrusted proxy header is logged
 * @param serverName the server name applications are told when a request names no host
 * @param asyncoreLoopTimeout seconds an I/O loop waits for events at most (waitress's
 *     {@code asyncore.loop} timeout)
 * @param asyncoreUsePoll waitress's switch from {@code select()} to {@code poll()}; Java's
 *     selectors have no descriptor limit, so it is kept for compatibility only
 * @param gracefulTimeout seconds a stopping server lets requests in flight finish (gunicorn's
 *     {@code graceful_timeout})
 * @param timeout seconds an application call may run before it is logged with its stack and
 *     interrupted; 0 for never (gunicorn's worker {@code timeout})
 * @param accessLog where the access log goes: empty for nowhere, {@code log} for the OSGi Log
 *     Service (logger {@code dev.usher.access}), {@code -} for standard output, else a file
 * @param accessLogFormat an access log line, in gunicorn's {@code %(h)s} atoms
 * @param reusePort whether listeners bind with {@code SO_REUSEPORT}, so a second server can
 *     bind the same addresses and take over
 * @param workerClass how blocking applications run: on the {@code threads} pool, or on a virtual
 *     thread per request (gunicorn's {@code -k/--worker-class})
 * @param tls HTTPS: gunicorn's {@code certfile}, {@code keyfile}, {@code ca_certs},
 *     {@code cert_reqs}, {@code ciphers}, {@code ssl_version} and {@code suppress_ragged_eofs};
 *     {@link TlsSettings#NONE} for plain HTTP
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
        int waitingConnectionLimit,
        int cleanupInterval,
        int channelTimeout,
        boolean logSocketErrors,
        int maxRequestHeaderSize,
        long maxRequestBodySize,
        boolean exposeTracebacks,
        String urlScheme,
        String urlPrefix,
        int channelRequestLookahead,
        String unixSocket,
        int unixSocketPerms,
        String trustedProxy,
        int trustedProxyCount,
        Set<String> trustedProxyHeaders,
        boolean clearUntrustedProxyHeaders,
        boolean logUntrustedProxyHeaders,
        String serverName,
        int asyncoreLoopTimeout,
        boolean asyncoreUsePoll,
        int gracefulTimeout,
        int timeout,
        String accessLog,
        String accessLogFormat,
        boolean reusePort,
        WorkerClass workerClass,
        TlsSettings tls) {

    /** gunicorn's default access log format: the combined log format. */
    public static final String DEFAULT_ACCESS_LOG_FORMAT =
            "%(h)s %(l)s %(u)s %(t)s \"%(r)s\" %(s)s %(b)s \"%(f)s\" \"%(a)s\"";

    /** The default host. */
    public static final String DEFAULT_HOST = "0.0.0.0";
    /** The default port. */
    public static final int DEFAULT_PORT = 8080;
    /** The default mode of a Unix domain socket: {@code 0600}. */
    public static final int DEFAULT_UNIX_SOCKET_PERMS = 0600;
    /** The default server name, as waitress's {@code waitress.invalid}. */
    public static final String DEFAULT_SERVER_NAME = "usher.invalid";

    /** {@code trusted_proxy} value that trusts every peer. */
    public static final String ANY_PROXY = "*";
    /** {@code trusted_proxy} value that trusts peers on the Unix domain socket. */
    public static final String LOCALHOST_PROXY = "localhost";

    /** The proxy headers {@code trusted_proxy_headers} may name, lower case. */
    public static final Set<String> PROXY_HEADERS = Set.of(
            "forwarded", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-forwarded-port",
            "x-forwarded-by");

    /** The headers trusted from a {@code trusted_proxy} when {@code trusted_proxy_headers} names none. */
    public static final Set<String> DEFAULT_TRUSTED_PROXY_HEADERS = Set.of("x-forwarded-proto");

    /** Properties Config Admin, SCR and FileInstall add themselves: never warned about. */
    private static final Set<String> FRAMEWORK_PROPERTIES = Set.of(
            "service.pid", "service.factoryPid", "service.bundleLocation", "felix.fileinstall.filename",
            "component.name", "component.id");

    /** The names of every setting this value holds. */
    public static final Set<String> PROPERTIES = Set.of(
            "host", "port", "listen", "ipv4", "ipv6", "threads", "workers", "ident", "backlog", "recv_bytes",
            "send_bytes", "inbuf_overflow", "outbuf_overflow", "outbuf_high_watermark", "connection_limit",
            "waiting_connection_limit", "cleanup_interval", "channel_timeout", "log_socket_errors", "max_request_header_size",
            "max_request_body_size", "expose_tracebacks", "url_scheme", "url_prefix", "channel_request_lookahead",
            "unix_socket", "unix_socket_perms", "trusted_proxy", "trusted_proxy_count", "trusted_proxy_headers",
            "clear_untrusted_proxy_headers", "log_untrusted_proxy_headers", "server_name",
            "asyncore_loop_timeout", "asyncore_use_poll", "graceful_timeout", "timeout", "accesslog",
            "access_log_format", "reuse_port", "worker_class", "certfile", "keyfile", "ca_certs", "cert_reqs",
            "ciphers", "ssl_version", "suppress_ragged_eofs");

    /**
     * The settings whose default is not one fixed value (it follows from other settings, or from
     * the machine for {@code workers}), which a configuration form leaves empty: blank, they are
     * absent.
     */
    public static final Set<String> OPTIONAL = Set.of("host", "port", "listen", "unix_socket", "trusted_proxy",
            "trusted_proxy_count", "trusted_proxy_headers", "workers", "url_scheme", "certfile", "keyfile",
            "ca_certs", "ciphers");

    /** Checks invariants that hold whatever the source, and makes the collections immutable. */
    public Adjustments {
        listen = List.copyOf(listen);
        Objects.requireNonNull(ident, "ident");
        Objects.requireNonNull(urlScheme, "urlScheme");
        Objects.requireNonNull(urlPrefix, "urlPrefix");
        Objects.requireNonNull(unixSocket, "unixSocket");
        Objects.requireNonNull(trustedProxy, "trustedProxy");
        Objects.requireNonNull(serverName, "serverName");
        Objects.requireNonNull(workerClass, "workerClass");
        Objects.requireNonNull(tls, "tls");
        trustedProxyHeaders = Collections.unmodifiableSortedSet(new TreeSet<>(trustedProxyHeaders));
        if (listen.isEmpty() && unixSocket.isEmpty()) {
            throw new IllegalArgumentException("nothing to listen on");
        }
        if (unixSocketPerms < 0 || unixSocketPerms > 0777) {
            throw new IllegalArgumentException("unixSocketPerms " + Integer.toOctalString(unixSocketPerms));
        }
        if (!PROXY_HEADERS.containsAll(trustedProxyHeaders)) {
            throw new IllegalArgumentException("trustedProxyHeaders " + trustedProxyHeaders);
        }
    }

    /** The defaults: waitress's, with {@code ident} {@code usher} and {@code server_name} {@code usher.invalid}. */
    public static Adjustments defaults() {
        try {
            return parse(Map.of());
        } catch (InvalidSettingException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * The default number of I/O loops: one per two available processors, at least one. The
     * other processors are left to the {@code threads} that run applications and to the
     * kernel's network processing; a loop per processor competes with both (on two processors
     * with the clients beside it, one loop served 90k-117k hello requests/s, two 72k-81k).
     */
    public static int defaultWorkers() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    }

    /**
     * Parses configuration properties as waitress parses its arguments: strings as well as
     * Config Admin's typed values. Absent properties take their defaults. The optional ones
     * ({@link #OPTIONAL}) are absent when blank, too (an empty or white-space string, an empty
     * array or collection): a configuration form such as Felix Web Console's saves the fields
     * left empty, and {@code listen} saved empty next to a {@code host} and {@code port} must
     * not be the conflict of the three.
     *
     * <ul>
     * <li>Booleans: a {@link Boolean}, or {@code t true y yes on 1} / {@code f false n no off 0}
     *     in any case.
     * <li>Numbers: an {@link Integer}, {@link Long} (or smaller integral type), or a decimal string.
     * <li>{@code listen}: {@code host:port}, {@code [v6]:port} or {@code *:port}, separated by
     *     white space or given as a {@code String[]} or collection. It excludes {@code host} and
     *     {@code port}.
     * <li>{@code unix_socket}: a path; empty is the same as absent. With it and without
     *     {@code host}, {@code port} and {@code listen} the server listens on the Unix domain
     *     socket only; it cannot be combined with any of them.
     * <li>{@code unix_socket_perms}: octal, as waitress's {@code int(value, 8)}: {@code "600"},
     *     {@code "0600"} or {@code "0o600"}. A number is read by its decimal digits as octal too, so
     *     that {@code Integer 600} means mode {@code 0600} just as the string does; a number with
     *     a digit 8 or 9 is refused.
     * <li>{@code trusted_proxy}: an IPv4 or IPv6 literal (brackets allowed), {@code *} or
     *     {@code localhost}; empty is the same as absent. Host names are refused: they would need
     *     a lookup and may change.
     * <li>{@code trusted_proxy_headers}: names separated by white space or commas, or a
     *     {@code String[]} or collection, in any case. Without them a trusted proxy is trusted for
     *     {@code x-forwarded-proto} only, as waitress does for backwards compatibility.
     *     {@code trusted_proxy_count} and a non-empty {@code trusted_proxy_headers} require a
     *     {@code trusted_proxy}; {@code forwarded} excludes the {@code x-forwarded-*} headers.
     * </ul>
     *
     * @throws InvalidSettingException naming the first property that cannot be used
     */
    public static Adjustments parse(Map<String, ?> given) throws InvalidSettingException {
        Map<String, ?> properties = withoutBlanks(given);
        Values v = new Values(properties);
        boolean hostOrPort = properties.containsKey("host") || properties.containsKey("port");
        String unixSocket = parseUnixSocket(v);
        if (!unixSocket.isEmpty()) {
            if (hostOrPort) {
                throw new InvalidSettingException("unix_socket", properties.get("unix_socket"),
                        "cannot be combined with host or port");
            }
            if (properties.containsKey("listen")) {
                throw new InvalidSettingException("unix_socket", properties.get("unix_socket"),
                        "cannot be combined with listen");
            }
        }
        List<ListenAddress> listen;
        if (properties.containsKey("listen")) {
            if (hostOrPort) {
                throw new InvalidSettingException("listen", properties.get("listen"),
                        "cannot be combined with host or port");
            }
            listen = parseListen(properties.get("listen"));
        } else if (!unixSocket.isEmpty()) {
            listen = List.of();
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
        TlsSettings tls = parseTls(v);
        // a TLS server tells its applications https unless told otherwise
        String urlScheme = v.string("url_scheme", tls.enabled() ? "https" : "http").toLowerCase(Locale.ROOT);
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
        String serverName = v.string("server_name", DEFAULT_SERVER_NAME);
        if (serverName.isEmpty()) {
            throw new InvalidSettingException("server_name", properties.get("server_name"), "must not be empty");
        }
        for (int i = 0; i < serverName.length(); i++) {
            char c = serverName.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                throw new InvalidSettingException("server_name", serverName,
                        "may hold visible ASCII characters only");
            }
        }
        String trustedProxy = parseTrustedProxy(v);
        if (trustedProxy.isEmpty() && properties.get("trusted_proxy_count") != null) {
            throw new InvalidSettingException("trusted_proxy_count", properties.get("trusted_proxy_count"),
                    "has no meaning without trusted_proxy");
        }
        int trustedProxyCount = v.integer("trusted_proxy_count", 1, 1, Integer.MAX_VALUE);
        Set<String> trustedProxyHeaders = parseTrustedProxyHeaders(properties.get("trusted_proxy_headers"));
        if (trustedProxyHeaders.isEmpty()) {
            if (!trustedProxy.isEmpty()) {
                trustedProxyHeaders = DEFAULT_TRUSTED_PROXY_HEADERS;
            }
        } else if (trustedProxy.isEmpty()) {
            throw new InvalidSettingException("trusted_proxy_headers", properties.get("trusted_proxy_headers"),
                    "has no meaning without trusted_proxy");
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
                v.integer("waiting_connection_limit", 2048, 1, Integer.MAX_VALUE),
                v.integer("cleanup_interval", 30, 1, Integer.MAX_VALUE),
                v.integer("channel_timeout", 120, 1, Integer.MAX_VALUE),
                v.bool("log_socket_errors", true),
                v.integer("max_request_header_size", 262144, 1, Integer.MAX_VALUE),
                v.longInteger("max_request_body_size", 1073741824L, 1, Long.MAX_VALUE),
                v.bool("expose_tracebacks", false),
                urlScheme,
                urlPrefix,
                v.integer("channel_request_lookahead", 0, 0, 1024),
                unixSocket,
                parseUnixSocketPerms(properties.get("unix_socket_perms")),
                trustedProxy,
                trustedProxyCount,
                trustedProxyHeaders,
                v.bool("clear_untrusted_proxy_headers", true),
                v.bool("log_untrusted_proxy_headers", false),
                serverName,
                v.integer("asyncore_loop_timeout", 1, 1, Integer.MAX_VALUE),
                v.bool("asyncore_use_poll", false),
                v.integer("graceful_timeout", 30, 0, Integer.MAX_VALUE),
                v.integer("timeout", 0, 0, Integer.MAX_VALUE),
                v.string("accesslog", ""),
                accessLogFormat(v),
                v.bool("reuse_port", false),
                workerClass(v),
                tls);
    }

    /**
     * {@code worker_class}: {@code sync} or {@code virtual}; {@code virtual} only on a JVM that
     * has virtual threads, so that a server on Java 17 keeps its settings rather than failing
     * at its first request.
     */
    private static WorkerClass workerClass(Values v) throws InvalidSettingException {
        String value = v.string("worker_class", WorkerClass.SYNC.setting());
        try {
            return WorkerClass.of(value).requireAvailable();
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException("worker_class", value, e.getMessage());
        }
    }

    /**
     * The TLS settings: {@code certfile} and {@code keyfile} together or neither; {@code ca_certs}
     * and {@code cert_reqs} only with them, and a {@code cert_reqs} other than none only with
     * {@code ca_certs}; {@code ciphers} separated by colons, commas or white space;
     * {@code ssl_version} one or more of {@code TLSv1.2} and {@code TLSv1.3} (or Python's
     * {@code TLS}, {@code TLS_SERVER} and {@code PROTOCOL_TLS_SERVER}: both; {@code TLSv1_2}: 1.2
     * only).
     */
    private static TlsSettings parseTls(Values v) throws InvalidSettingException {
        String certfile = v.string("certfile", "");
        String keyfile = v.string("keyfile", "");
        if (certfile.isEmpty() != keyfile.isEmpty()) {
            String missing = certfile.isEmpty() ? "certfile" : "keyfile";
            String given = certfile.isEmpty() ? "keyfile" : "certfile";
            throw new InvalidSettingException(given, v.properties().get(given), "needs " + missing + " as well");
        }
        checkPath("certfile", certfile);
        checkPath("keyfile", keyfile);
        String caCerts = v.string("ca_certs", "");
        checkPath("ca_certs", caCerts);
        String reqsText = v.string("cert_reqs", TlsSettings.ClientCertificates.NONE.setting());
        TlsSettings.ClientCertificates certReqs;
        try {
            certReqs = TlsSettings.ClientCertificates.of(reqsText);
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException("cert_reqs", reqsText, e.getMessage());
        }
        Object cipherValue = v.properties().get("ciphers");
        List<String> ciphers = cipherValue == null ? List.of() : words(cipherValue, "[\\s,:]+");
        for (String cipher : ciphers) {
            if (!cipher.matches("[A-Za-z0-9_]+")) {
                throw new InvalidSettingException("ciphers", v.properties().get("ciphers"),
                        "'" + cipher + "' is not a cipher suite's standard name, such as TLS_AES_128_GCM_SHA256");
            }
        }
        List<String> protocols = parseProtocols(v.properties().get("ssl_version"));
        boolean ragged = v.bool("suppress_ragged_eofs", true);
        if (certfile.isEmpty()) {
            for (String name : List.of("ca_certs", "ciphers")) {
                if (v.properties().get(name) != null) {
                    throw new InvalidSettingException(name, v.properties().get(name), "has no meaning without certfile");
                }
            }
            if (certReqs != TlsSettings.ClientCertificates.NONE) {
                throw new InvalidSettingException("cert_reqs", reqsText, "has no meaning without certfile");
            }
        }
        if (certReqs != TlsSettings.ClientCertificates.NONE && caCerts.isEmpty()) {
            throw new InvalidSettingException("cert_reqs", reqsText, "needs ca_certs, the CAs client certificates are checked against");
        }
        return new TlsSettings(certfile, keyfile, caCerts, certReqs, ciphers, protocols, ragged);
    }

    /** Refuses a value of setting {@code name} that is no path on this system. */
    private static void checkPath(String name, String path) throws InvalidSettingException {
        try {
            Path.of(path);
        } catch (InvalidPathException e) {
            throw new InvalidSettingException(name, path, "not a path: " + e.getReason());
        }
    }

    /** {@code ssl_version}: see {@link #parseTls}. */
    private static List<String> parseProtocols(Object value) throws InvalidSettingException {
        List<String> words = value == null ? List.of() : words(value, "[\\s,]+");
        if (words.isEmpty()) {
            return TlsSettings.DEFAULT_PROTOCOLS;
        }
        List<String> protocols = new ArrayList<>();
        for (String word : words) {
            String name = word.toUpperCase(Locale.ROOT);
            if (name.startsWith("PROTOCOL_")) {
                name = name.substring("PROTOCOL_".length());
            }
            switch (name) {
                case "TLS", "TLS_SERVER", "SSLV23", "2", "17":
                    protocols.addAll(TlsSettings.DEFAULT_PROTOCOLS);
                    break;
                case "TLSV1.3", "TLSV1_3":
                    protocols.add("TLSv1.3");
                    break;
                case "TLSV1.2", "TLSV1_2", "5":
                    protocols.add("TLSv1.2");
                    break;
                default:
                    throw new InvalidSettingException("ssl_version", value,
                            "'" + word + "' is not offered: TLSv1.2, TLSv1.3 or TLS (both); older versions are unsafe");
            }
        }
        return List.copyOf(new java.util.LinkedHashSet<>(protocols));
    }

    /** The access log format: gunicorn's atoms, each {@code %(name)s} closed. */
    private static String accessLogFormat(Values v) throws InvalidSettingException {
        String format = v.string("access_log_format", DEFAULT_ACCESS_LOG_FORMAT);
        for (int at = format.indexOf("%("); at >= 0; at = format.indexOf("%(", at + 2)) {
            int close = format.indexOf(")s", at);
            if (close < 0) {
                throw new InvalidSettingException("access_log_format", format, "an atom %(... is not closed by )s");
            }
        }
        return format;
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
        List<String> words = words(value, "\\s+");
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

    private static String parseUnixSocket(Values v) throws InvalidSettingException {
        String path = v.string("unix_socket", "");
        if (path.isEmpty()) {
            return path;
        }
        checkPath("unix_socket", path);
        return path;
    }

    /** Reads a file mode as waitress's {@code int(value, 8)}; see {@link #parse}. */
    private static int parseUnixSocketPerms(Object value) throws InvalidSettingException {
        if (value == null) {
            return DEFAULT_UNIX_SOCKET_PERMS;
        }
        String digits;
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            digits = value.toString();
        } else {
            digits = new Values(Map.of("unix_socket_perms", value)).string("unix_socket_perms", "");
        }
        try {
            return FileModes.parseOctal(digits);
        } catch (NumberFormatException e) {
            throw new InvalidSettingException("unix_socket_perms", value, "not an octal mode such as 600");
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException("unix_socket_perms", value, "must be from 0 to 777 (octal)");
        }
    }

    private static String parseTrustedProxy(Values v) throws InvalidSettingException {
        String proxy = v.string("trusted_proxy", "");
        if (proxy.isEmpty() || proxy.equals(ANY_PROXY)) {
            return proxy;
        }
        if (proxy.equalsIgnoreCase(LOCALHOST_PROXY)) {
            return LOCALHOST_PROXY;
        }
        if (ipv4Literal(proxy)) {
            return proxy;
        }
        String ipv6 = ipv6Literal(stripBrackets(proxy));
        if (ipv6 != null) {
            return ipv6;
        }
        throw new InvalidSettingException("trusted_proxy", proxy, "must be an IP address, * or localhost");
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

    private static Set<String> parseTrustedProxyHeaders(Object value) throws InvalidSettingException {
        if (value == null) {
            return Set.of();
        }
        Set<String> headers = new TreeSet<>();
        for (String word : words(value, "[\\s,]+")) {
            String header = word.toLowerCase(Locale.ROOT);
            if (!PROXY_HEADERS.contains(header)) {
                throw new InvalidSettingException("trusted_proxy_headers", value,
                        "unknown header " + word + "; known: " + new TreeSet<>(PROXY_HEADERS));
            }
            headers.add(header);
        }
        if (headers.contains("forwarded") && headers.size() > 1) {
            throw new InvalidSettingException("trusted_proxy_headers", value,
                    "forwarded and the x-forwarded-* headers cannot both be trusted");
        }
        return headers;
    }

    /** The non-empty words of a string, string array or collection, split by {@code separators}. */
    private static List<String> words(Object value, String separators) {
        List<String> words = new ArrayList<>();
        for (String item : Values.strings(value)) {
            for (String word : item.trim().split(separators)) {
                if (!word.isEmpty()) {
                    words.add(word);
                }
            }
        }
        return words;
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

    /** {@code properties} without the blank optional values, which stand for absent ones. */
    private static Map<String, ?> withoutBlanks(Map<String, ?> properties) {
        Map<String, Object> kept = new HashMap<>();
        for (Map.Entry<String, ?> entry : properties.entrySet()) {
            if (!OPTIONAL.contains(entry.getKey()) || !blank(entry.getValue())) {
                kept.put(entry.getKey(), entry.getValue());
            }
        }
        return kept;
    }

    private static boolean blank(Object value) {
        return value == null
                || (value instanceof String s && s.isBlank())
                || (value instanceof String[] array && Arrays.stream(array).allMatch(String::isBlank))
                || (value instanceof Collection<?> c && c.stream().allMatch(o -> o == null || o.toString().isBlank()));
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

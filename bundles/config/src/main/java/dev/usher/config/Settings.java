package dev.usher.config;

import static dev.usher.config.Converters.bool;
import static dev.usher.config.Converters.integer;
import static dev.usher.config.Converters.longInteger;
import static dev.usher.config.Converters.octalMode;
import static dev.usher.config.Converters.path;
import static dev.usher.config.Converters.string;
import static dev.usher.config.Converters.words;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.usher.config.Setting.Form;

/**
 * The settings table: every setting of an Usher server, one {@link Setting} each, in the order
 * a configuration form shows them. waitress's names, meanings and defaults, plus gunicorn's
 * {@code workers}, {@code worker_class}, {@code graceful_timeout}, {@code timeout}, access log,
 * TLS and PROXY protocol settings, and Usher's {@code waiting_connection_limit} and {@code reuse_port}.
 *
 * <p>Where waitress is lenient Usher refuses: a boolean that is none of waitress's spellings, a
 * number out of range or an unknown proxy header is an {@link InvalidSettingException}, not a
 * silent {@code false} or a failure at the first request.
 *
 * <p>Adding a setting is one entry here, its accessor in {@link Adjustments}, and its use.
 */
public final class Settings {

    private Settings() {
    }

    /** The address {@code host} stands for when neither it nor {@code listen} is given. */
    public static final String DEFAULT_HOST = "0.0.0.0";

    /** The port {@code port} stands for when it is not given, and a {@code listen} address without one. */
    public static final int DEFAULT_PORT = 8080;

    /** The headers trusted from a {@code trusted_proxy} when {@code trusted_proxy_headers} names none. */
    public static final Set<String> DEFAULT_TRUSTED_PROXY_HEADERS = Set.of("x-forwarded-proto");

    /** gunicorn's default access log format: the combined log format. */
    public static final String DEFAULT_ACCESS_LOG_FORMAT =
            "%(h)s %(l)s %(u)s %(t)s \"%(r)s\" %(s)s %(b)s \"%(f)s\" \"%(a)s\"";

    // host and port have a default (0.0.0.0:8080) but declare none: a form (Felix Web Console)
    // fills in every declared default and saves it, and a saved host or port excludes listen.

    /** {@code host}: one address to listen on, with {@code port}. */
    public static final Setting<String> HOST = optional("host", "Host", Form.STRING, AddressConverters.host(),
            "Host name or IP address to listen on, with port (default " + DEFAULT_HOST
                    + "). Excludes listen and unix_socket.");

    /** {@code port}: with {@code host}; 0 for one the system picks. */
    public static final Setting<Integer> PORT = optional("port", "Port", Form.INTEGER, integer(0, 65535),
            "TCP port to listen on, with host (default " + DEFAULT_PORT + "); 0 for one the system "
                    + "picks. Excludes listen and unix_socket.");

    /** {@code listen}: addresses to listen on; excludes {@code host} and {@code port}. */
    public static final Setting<List<ListenAddress>> LISTEN = optional("listen", "Listen", Form.STRING,
            words("\\s+", AddressConverters::listenAddress),
            "Space-separated host:port, [v6addr]:port or *:port addresses (* binds every address of the "
                    + "enabled families); default 0.0.0.0:8080. Excludes host, port and unix_socket.");

    /** {@code ipv4}: whether {@code *} binds IPv4 addresses. */
    public static final Setting<Boolean> IPV4 = entry("ipv4", "IPv4", Form.BOOLEAN, "true", bool(),
            "Bind IPv4 addresses for *.");

    /** {@code ipv6}: whether {@code *} binds IPv6 addresses. */
    public static final Setting<Boolean> IPV6 = entry("ipv6", "IPv6", Form.BOOLEAN, "true", bool(),
            "Bind IPv6 addresses for *.");

    /** {@code threads}: application threads. */
    public static final Setting<Integer> THREADS = entry("threads", "Threads", Form.INTEGER, "4",
            integer(1, 10_000), "Application threads.");

    /** {@code workers}: I/O loops (gunicorn's {@code -w}); {@link Adjustments#defaultWorkers()} by default. */
    public static final Setting<Integer> WORKERS = optional("workers", "Workers", Form.INTEGER, integer(1, 1024),
            "I/O loops; default: half the processors, at least one.");

    /** {@code ident}: the {@code Server} header's value; empty for none. */
    public static final Setting<String> IDENT = entry("ident", "Ident", Form.STRING, "usher",
            string(Settings::checkIdent), "Server header value; empty for none.");

    /** {@code backlog}: the listen backlog. */
    public static final Setting<Integer> BACKLOG = entry("backlog", "Backlog", Form.INTEGER, "1024",
            integer(1, Integer.MAX_VALUE), "Listen backlog.");

    /** {@code recv_bytes}: bytes read from a socket at a time. */
    public static final Setting<Integer> RECV_BYTES = entry("recv_bytes", "Receive bytes", Form.INTEGER, "8192",
            integer(1, 64 << 20), "Bytes read from a socket at a time.");

    /** {@code send_bytes}: bytes written to a socket at a time. */
    public static final Setting<Integer> SEND_BYTES = entry("send_bytes", "Send bytes", Form.INTEGER, "18000",
            integer(1, 64 << 20), "Bytes written to a socket at a time.");

    /** {@code inbuf_overflow}: request body bytes kept in memory before a temporary file. */
    public static final Setting<Integer> INBUF_OVERFLOW = entry("inbuf_overflow", "Input buffer overflow",
            Form.INTEGER, "524288", integer(0, Integer.MAX_VALUE),
            "Request body bytes kept in memory before spilling to a temporary file.");

    /** {@code outbuf_overflow}: response bytes kept in memory before a temporary file. */
    public static final Setting<Integer> OUTBUF_OVERFLOW = entry("outbuf_overflow", "Output buffer overflow",
            Form.INTEGER, "1048576", integer(0, Integer.MAX_VALUE),
            "Response bytes kept in memory before spilling to a temporary file.");

    /** {@code outbuf_high_watermark}: pending response bytes above which an application thread waits. */
    public static final Setting<Long> OUTBUF_HIGH_WATERMARK = entry("outbuf_high_watermark",
            "Output high watermark", Form.LONG, "16777216", longInteger(1, Long.MAX_VALUE),
            "Pending response bytes above which an application thread waits.");

    /** {@code connection_limit}: connections served at once. */
    public static final Setting<Integer> CONNECTION_LIMIT = entry("connection_limit", "Connection limit",
            Form.INTEGER, "100", integer(1, Integer.MAX_VALUE),
            "Connections served at once: a request in service (in its application, or its response being "
                    + "written) or more than 8 KiB of one buffered. At the limit a request sheds a connection "
                    + "stalled below 500 bytes a second, or waits for a slot.");

    /** {@code waiting_connection_limit}: connections held open while they wait for a request. */
    public static final Setting<Integer> WAITING_CONNECTION_LIMIT = entry("waiting_connection_limit",
            "Waiting connection limit", Form.INTEGER, "2048", integer(1, Integer.MAX_VALUE),
            "Connections held open while they wait for a request (just opened, idle between requests, or "
                    + "receiving a small one). At the limit each new connection sheds the one idle, silent or "
                    + "trickling longest.");

    /** {@code cleanup_interval}: seconds between sweeps for idle connections. */
    public static final Setting<Integer> CLEANUP_INTERVAL = entry("cleanup_interval", "Cleanup interval",
            Form.INTEGER, "30", integer(1, Integer.MAX_VALUE), "Seconds between sweeps for idle connections.");

    /** {@code channel_timeout}: seconds of inactivity after which a connection is closed. */
    public static final Setting<Integer> CHANNEL_TIMEOUT = entry("channel_timeout", "Channel timeout",
            Form.INTEGER, "120", integer(1, Integer.MAX_VALUE),
            "Seconds of inactivity before a connection is closed; a request head, and a TLS handshake, must "
                    + "arrive within it.");

    /** {@code log_socket_errors}: whether premature disconnects are logged. */
    public static final Setting<Boolean> LOG_SOCKET_ERRORS = entry("log_socket_errors", "Log socket errors",
            Form.BOOLEAN, "true", bool(), "Log premature client disconnects.");

    /** {@code max_request_header_size}: bytes of request head at which a request is refused (431). */
    public static final Setting<Integer> MAX_REQUEST_HEADER_SIZE = entry("max_request_header_size",
            "Maximum request header size", Form.INTEGER, "262144", integer(1, Integer.MAX_VALUE),
            "Bytes of request head at which a request is refused with 431.");

    /** {@code max_request_body_size}: bytes of request body at which a request is refused (413). */
    public static final Setting<Long> MAX_REQUEST_BODY_SIZE = entry("max_request_body_size",
            "Maximum request body size", Form.LONG, "1073741824", longInteger(1, Long.MAX_VALUE),
            "Bytes of request body at which a request is refused with 413.");

    /** {@code expose_tracebacks}: whether a 500 shows the application's stack trace. */
    public static final Setting<Boolean> EXPOSE_TRACEBACKS = entry("expose_tracebacks", "Expose tracebacks",
            Form.BOOLEAN, "false", bool(), "Show the stack trace in a 500 response.");

    /** {@code url_scheme}: the scheme applications are told; https with {@code certfile}, else http. */
    public static final Setting<String> URL_SCHEME = optional("url_scheme", "URL scheme", Form.STRING,
            string(Settings::checkUrlScheme).andThen(s -> s.toLowerCase(Locale.ROOT)),
            "Scheme reported to applications (http or https); default https with certfile, else http.")
            .withOptions("http", "https");

    /** {@code url_prefix}: the path prefix every application is mounted below, as {@code /a/b} or empty. */
    public static final Setting<String> URL_PREFIX = entry("url_prefix", "URL prefix", Form.STRING, "",
            string().andThen(Settings::normalizePrefix), "Path prefix every application is mounted below.");

    /** {@code channel_request_lookahead}: pipelined requests read ahead of the one being answered. */
    public static final Setting<Integer> CHANNEL_REQUEST_LOOKAHEAD = entry("channel_request_lookahead",
            "Request lookahead", Form.INTEGER, "0", integer(0, 1024),
            "Pipelined requests read ahead of the one being answered.");

    /** {@code unix_socket}: the path of a Unix domain socket to listen on. */
    public static final Setting<String> UNIX_SOCKET = optional("unix_socket", "Unix socket", Form.STRING, path(),
            "Path of a Unix domain socket to listen on. Excludes host, port and listen: the server then "
                    + "listens on this socket only.");

    /** {@code unix_socket_perms}: the Unix domain socket's file mode, read as octal. */
    public static final Setting<Integer> UNIX_SOCKET_PERMS = entry("unix_socket_perms", "Unix socket permissions",
            Form.STRING, "600", octalMode(),
            "File mode of the Unix domain socket, in octal (600, 0600 or 0o600). A number is read as octal "
                    + "too: 600 means 0600.");

    /** {@code trusted_proxy}: the peer whose proxy headers are trusted. */
    public static final Setting<String> TRUSTED_PROXY = optional("trusted_proxy", "Trusted proxy", Form.STRING,
            AddressConverters.trustedProxy(),
            "IP address of the peer whose proxy headers are trusted; * trusts every peer (safe only when "
                    + "nothing but your proxies can reach the server); localhost trusts peers on the Unix "
                    + "domain socket.");

    /** {@code trusted_proxy_count}: how many proxies of a chain are trusted (the last ones). */
    public static final Setting<Integer> TRUSTED_PROXY_COUNT = optional("trusted_proxy_count",
            "Trusted proxy count", Form.INTEGER, integer(1, Integer.MAX_VALUE),
            "How many proxies of a chain are trusted (default 1). Requires trusted_proxy.");

    /** {@code trusted_proxy_headers}: the proxy headers trusted from {@code trusted_proxy}. */
    public static final Setting<Set<String>> TRUSTED_PROXY_HEADERS = optional("trusted_proxy_headers",
            "Trusted proxy headers", Form.STRINGS, AddressConverters.proxyHeaders(),
            "Proxy headers trusted from trusted_proxy: forwarded, or some of the x-forwarded-* headers, "
                    + "separated by spaces or commas. Without any, x-forwarded-proto alone is trusted, as in "
                    + "waitress. Requires trusted_proxy.")
            .withOptions(AddressConverters.PROXY_HEADERS.stream().sorted().toArray(String[]::new));

    /** {@code clear_untrusted_proxy_headers}: whether untrusted proxy headers are removed. */
    public static final Setting<Boolean> CLEAR_UNTRUSTED_PROXY_HEADERS = entry("clear_untrusted_proxy_headers",
            "Clear untrusted proxy headers", Form.BOOLEAN, "true", bool(),
            "Remove the proxy headers (Forwarded, X-Forwarded-*) that are not trusted before an application "
                    + "sees the request.");

    /** {@code log_untrusted_proxy_headers}: whether removing an untrusted proxy header is logged. */
    public static final Setting<Boolean> LOG_UNTRUSTED_PROXY_HEADERS = entry("log_untrusted_proxy_headers",
            "Log untrusted proxy headers", Form.BOOLEAN, "false", bool(),
            "Log a warning when an untrusted proxy header is removed.");

    /** {@code server_name}: the host name applications are told when a request names none. */
    public static final Setting<String> SERVER_NAME = entry("server_name", "Server name", Form.STRING,
            "usher.invalid", string(Settings::checkServerName),
            "Host name applications are told when a request names none (HTTP/1.0 without Host and no "
                    + "trusted proxy header).");

    /** {@code asyncore_loop_timeout}: seconds an I/O loop waits for events at most. */
    public static final Setting<Integer> ASYNCORE_LOOP_TIMEOUT = entry("asyncore_loop_timeout", "Loop timeout",
            Form.INTEGER, "1", integer(1, Integer.MAX_VALUE),
            "Seconds an I/O loop waits for events at most (waitress's asyncore loop timeout).");

    /** {@code asyncore_use_poll}: waitress's switch to {@code poll()}, kept for compatibility only. */
    public static final Setting<Boolean> ASYNCORE_USE_POLL = entry("asyncore_use_poll", "Use poll",
            Form.BOOLEAN, "false", bool(),
            "waitress's switch from select() to poll(). Usher's selectors have no descriptor limit; accepted "
                    + "for compatibility.");

    /** {@code graceful_timeout}: seconds a stopping server lets requests in flight finish (gunicorn's). */
    public static final Setting<Integer> GRACEFUL_TIMEOUT = entry("graceful_timeout", "Graceful timeout",
            Form.INTEGER, "30", integer(0, Integer.MAX_VALUE),
            "Seconds a stopping server lets requests in flight finish.");

    /** {@code timeout}: seconds an application call may run before it is interrupted (gunicorn's). */
    public static final Setting<Integer> TIMEOUT = entry("timeout", "Timeout", Form.INTEGER, "0",
            integer(0, Integer.MAX_VALUE),
            "Seconds an application call may run before it is logged with its stack and interrupted; 0 for "
                    + "never.");

    /** {@code accesslog}: where the access log goes (gunicorn's). */
    public static final Setting<String> ACCESSLOG = entry("accesslog", "Access log", Form.STRING, "", string(),
            "Where the access log goes: empty for nowhere, 'log' for the Log Service, '-' for standard "
                    + "output, else a file.");

    /** {@code access_log_format}: an access log line in gunicorn's {@code %(h)s} atoms. */
    public static final Setting<String> ACCESS_LOG_FORMAT = entry("access_log_format", "Access log format",
            Form.STRING, DEFAULT_ACCESS_LOG_FORMAT, string(Settings::checkAccessLogFormat),
            "gunicorn's atoms: %(h)s remote address, %(t)s time, %(r)s request line, %(s)s status, %(b)s "
                    + "length, %(f)s referer, %(a)s user agent, %(L)s request time in seconds, %(D)s in "
                    + "microseconds, ...");

    /** {@code metrics}: whether the server counts what it answers, for its status and metrics. */
    public static final Setting<Boolean> METRICS = entry("metrics", "Metrics", Form.BOOLEAN, "true", bool(),
            "Count requests by mount and status class, their durations, bytes, refusals and spills for the "
                    + "status page, /metrics and usher:stats; false counts none of these (connections, pool and "
                    + "mounts are still shown).");

    /** {@code reuse_port}: whether listeners bind with {@code SO_REUSEPORT}. */
    public static final Setting<Boolean> REUSE_PORT = entry("reuse_port", "Reuse port", Form.BOOLEAN, "false",
            bool(), "Bind with SO_REUSEPORT so a new server can take over the addresses without a gap.");

    /** {@code worker_class}: how blocking applications run (gunicorn's {@code -k}). */
    public static final Setting<WorkerClass> WORKER_CLASS = entry("worker_class", "Worker class", Form.STRING,
            WorkerClass.SYNC.setting(), Settings::workerClass,
            "How blocking applications run: 'sync' on the threads pool, 'virtual' on a virtual thread per "
                    + "request (Java 21 or later).")
            .withOptions("sync", "virtual");

    /** {@code certfile}: the PEM certificate chain; with {@code keyfile}, the server speaks HTTPS. */
    public static final Setting<String> CERTFILE = optional("certfile", "Certificate file", Form.STRING, path(),
            "PEM certificate chain, the server's own first: with keyfile, the server speaks HTTPS. Replacing "
                    + "the file applies to new connections within a second, without a restart.");

    /** {@code keyfile}: the certificate's PEM private key. */
    public static final Setting<String> KEYFILE = optional("keyfile", "Key file", Form.STRING, path(),
            "PEM private key of the certificate (PKCS#8, or traditional RSA or EC), unencrypted.");

    /** {@code ca_certs}: the PEM certificates trusted to sign client certificates. */
    public static final Setting<String> CA_CERTS = optional("ca_certs", "CA certificates", Form.STRING, path(),
            "PEM certificates trusted to sign client certificates.");

    /** {@code cert_reqs}: whether clients must present a certificate. */
    public static final Setting<TlsSettings.ClientCertificates> CERT_REQS = entry("cert_reqs",
            "Client certificates", Form.STRING, TlsSettings.ClientCertificates.NONE.setting(),
            Settings::clientCertificates,
            "Whether clients must present a certificate signed by ca_certs: none, optional or required "
                    + "(Python's 0, 1, 2).")
            .withOptions("none", "optional", "required");

    /** {@code ciphers}: the cipher suites offered, by standard name, in order of preference. */
    public static final Setting<List<String>> CIPHERS = optional("ciphers", "Ciphers", Form.STRING,
            words("[\\s,:]+", Settings::cipherName),
            "Cipher suites offered, by standard name (TLS_AES_128_GCM_SHA256, "
                    + "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, ...), separated by colons; empty for the JVM's "
                    + "defaults.");

    /** {@code ssl_version}: the protocol versions offered. */
    public static final Setting<List<String>> SSL_VERSION = entry("ssl_version", "TLS versions", Form.STRING,
            String.join(" ", TlsSettings.DEFAULT_PROTOCOLS), Settings::protocols,
            "Protocol versions offered: TLSv1.2, TLSv1.3, or TLS for both.");

    /** {@code suppress_ragged_eofs}: whether a close without {@code close_notify} is an ordinary end. */
    public static final Setting<Boolean> SUPPRESS_RAGGED_EOFS = entry("suppress_ragged_eofs",
            "Suppress ragged EOFs", Form.BOOLEAN, "true", bool(),
            "Take a client that closes without close_notify as an ordinary end of input; when off, what was "
                    + "in progress is dropped.");

    /** {@code proxy_protocol}: whether connections begin with a PROXY protocol header (gunicorn's). */
    public static final Setting<ProxyProtocol> PROXY_PROTOCOL = entry("proxy_protocol", "PROXY protocol",
            Form.STRING, ProxyProtocol.OFF.setting(), Settings::proxyProtocol,
            "Whether every connection begins with a PROXY protocol header from a load balancer (HAProxy's "
                    + "send-proxy, nginx's proxy_protocol): off, v1, v2 or auto (either). Its client address "
                    + "becomes the request's remote address; a connection without a good one is closed.")
            .withOptions("off", "v1", "v2", "auto");

    /** {@code proxy_allow_ips}: the peers a PROXY protocol header is accepted from (gunicorn's). */
    public static final Setting<List<String>> PROXY_ALLOW_IPS = entry("proxy_allow_ips", "PROXY protocol peers",
            Form.STRING, "127.0.0.1,::1", words("[\\s,]+", AddressConverters::allowedPeer),
            "IP addresses or networks (10.0.0.0/8) of the load balancers PROXY protocol headers are accepted "
                    + "from, separated by commas; * for any peer. A connection from another peer is closed.");

    /** Every setting, in the order of a configuration form. */
    public static final List<Setting<?>> ALL = List.of(HOST, PORT, LISTEN, IPV4, IPV6, THREADS, WORKERS, IDENT,
            BACKLOG, RECV_BYTES, SEND_BYTES, INBUF_OVERFLOW, OUTBUF_OVERFLOW, OUTBUF_HIGH_WATERMARK,
            CONNECTION_LIMIT, WAITING_CONNECTION_LIMIT, CLEANUP_INTERVAL, CHANNEL_TIMEOUT, LOG_SOCKET_ERRORS,
            MAX_REQUEST_HEADER_SIZE, MAX_REQUEST_BODY_SIZE, EXPOSE_TRACEBACKS, URL_SCHEME, URL_PREFIX,
            CHANNEL_REQUEST_LOOKAHEAD, UNIX_SOCKET, UNIX_SOCKET_PERMS, TRUSTED_PROXY, TRUSTED_PROXY_COUNT,
            TRUSTED_PROXY_HEADERS, CLEAR_UNTRUSTED_PROXY_HEADERS, LOG_UNTRUSTED_PROXY_HEADERS, SERVER_NAME,
            ASYNCORE_LOOP_TIMEOUT, ASYNCORE_USE_POLL, GRACEFUL_TIMEOUT, TIMEOUT, ACCESSLOG, ACCESS_LOG_FORMAT,
            REUSE_PORT, WORKER_CLASS, CERTFILE, KEYFILE, CA_CERTS, CERT_REQS, CIPHERS, SSL_VERSION,
            SUPPRESS_RAGGED_EOFS, PROXY_PROTOCOL, PROXY_ALLOW_IPS, METRICS);

    private static final Map<String, Setting<?>> BY_NAME = byName();

    /** The setting named {@code name}, if there is one. */
    public static Optional<Setting<?>> named(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    /** The names of every setting, in the table's order. */
    public static Set<String> names() {
        return BY_NAME.keySet();
    }

    private static Map<String, Setting<?>> byName() {
        Map<String, Setting<?>> byName = new LinkedHashMap<>();
        for (Setting<?> setting : ALL) {
            if (byName.put(setting.name(), setting) != null) {
                throw new IllegalStateException("two settings named " + setting.name());
            }
        }
        return java.util.Collections.unmodifiableMap(byName);
    }

    private static <T> Setting<T> entry(String name, String label, Form form, String defaultText,
            Setting.Converter<T> converter, String description) {
        return new Setting<>(name, label, form, defaultText, converter, description, List.of());
    }

    private static <T> Setting<T> optional(String name, String label, Form form, Setting.Converter<T> converter,
            String description) {
        return new Setting<>(name, label, form, null, converter, description, List.of());
    }

    private static void checkIdent(String name, String ident) throws InvalidSettingException {
        for (int i = 0; i < ident.length(); i++) {
            char c = ident.charAt(i);
            if (c < 0x20 || c == 0x7f || c > 0xff) {
                throw new InvalidSettingException(name, ident, "holds a control character");
            }
        }
    }

    private static void checkServerName(String name, String serverName) throws InvalidSettingException {
        if (serverName.isEmpty()) {
            throw new InvalidSettingException(name, serverName, "must not be empty");
        }
        for (int i = 0; i < serverName.length(); i++) {
            char c = serverName.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                throw new InvalidSettingException(name, serverName, "may hold visible ASCII characters only");
            }
        }
    }

    private static void checkUrlScheme(String name, String scheme) throws InvalidSettingException {
        if (!scheme.equalsIgnoreCase("http") && !scheme.equalsIgnoreCase("https")) {
            throw new InvalidSettingException(name, scheme, "must be http or https");
        }
    }

    /** The prefix with one leading slash and none trailing; empty for none. */
    private static String normalizePrefix(String prefix) {
        int from = 0;
        int to = prefix.length();
        while (from < to && prefix.charAt(from) == '/') {
            from++;
        }
        while (to > from && prefix.charAt(to - 1) == '/') {
            to--;
        }
        return from == to ? "" : "/" + prefix.substring(from, to);
    }

    /** Every atom {@code %(name)s} closed. */
    private static void checkAccessLogFormat(String name, String format) throws InvalidSettingException {
        for (int at = format.indexOf("%("); at >= 0; at = format.indexOf("%(", at + 2)) {
            if (format.indexOf(")s", at) < 0) {
                throw new InvalidSettingException(name, format, "an atom %(... is not closed by )s");
            }
        }
    }

    /**
     * {@code sync} or {@code virtual}; {@code virtual} only on a JVM that has virtual threads, so
     * that a server on Java 17 keeps its settings rather than failing at its first request.
     */
    private static WorkerClass workerClass(String name, Object value) throws InvalidSettingException {
        String text = Converters.text(name, value);
        try {
            return WorkerClass.of(text).requireAvailable();
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(name, text, e.getMessage());
        }
    }

    private static ProxyProtocol proxyProtocol(String name, Object value) throws InvalidSettingException {
        String text = value instanceof Boolean b ? b.toString() : Converters.text(name, value);
        try {
            return ProxyProtocol.of(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(name, text, e.getMessage());
        }
    }

    private static TlsSettings.ClientCertificates clientCertificates(String name, Object value)
            throws InvalidSettingException {
        String text = Converters.text(name, value);
        try {
            return TlsSettings.ClientCertificates.of(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(name, text, e.getMessage());
        }
    }

    private static String cipherName(String name, String cipher, Object value) throws InvalidSettingException {
        if (!cipher.matches("[A-Za-z0-9_]+")) {
            throw new InvalidSettingException(name, value,
                    "'" + cipher + "' is not a cipher suite's standard name, such as TLS_AES_128_GCM_SHA256");
        }
        return cipher;
    }

    /**
     * One or more of {@code TLSv1.2} and {@code TLSv1.3}, separated by white space or commas; or
     * Python's {@code TLS}, {@code TLS_SERVER} and {@code PROTOCOL_TLS_SERVER} for both, and
     * {@code TLSv1_2} for 1.2 only. Blank means the default.
     */
    private static List<String> protocols(String name, Object value) throws InvalidSettingException {
        List<String> words = Converters.words(value, "[\\s,]+");
        if (words.isEmpty()) {
            return TlsSettings.DEFAULT_PROTOCOLS;
        }
        Set<String> protocols = new LinkedHashSet<>();
        for (String word : words) {
            String version = word.toUpperCase(Locale.ROOT);
            if (version.startsWith("PROTOCOL_")) {
                version = version.substring("PROTOCOL_".length());
            }
            switch (version) {
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
                    throw new InvalidSettingException(name, value,
                            "'" + word + "' is not offered: TLSv1.2, TLSv1.3 or TLS (both); older versions are unsafe");
            }
        }
        return List.copyOf(protocols);
    }
}

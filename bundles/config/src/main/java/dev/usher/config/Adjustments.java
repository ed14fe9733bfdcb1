package dev.usher.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Every setting of one Usher server, parsed and validated: an immutable value holding a value
 * for each entry of the settings table, {@link Settings}. What each setting is (name, form,
 * default, converter, description) lives in the table; this class adds what relates settings to
 * one another (which exclude or need which, and the defaults that follow from other settings),
 * and a typed accessor per setting.
 *
 * <p>{@code host} and {@code port} are read into {@link #listen()}, the one place a server's
 * TCP addresses are kept, so {@code listen=127.0.0.1:80} and {@code host=127.0.0.1, port=80} are
 * equal settings.
 */
public final class Adjustments {

    /** Properties Config Admin, SCR and FileInstall add themselves: never warned about. */
    private static final Set<String> FRAMEWORK_PROPERTIES = Set.of(
            "service.pid", "service.factoryPid", "service.bundleLocation", "felix.fileinstall.filename",
            "component.name", "component.id");

    /** The names of every setting: those of {@link Settings#ALL}. */
    public static final Set<String> PROPERTIES = Settings.names();

    /**
     * The settings whose default is not one fixed value (it follows from other settings, or from
     * the machine for {@code workers}), which a configuration form leaves empty: blank, they are
     * absent. Those of {@link Settings#ALL} that are {@link Setting#optional()}.
     */
    public static final Set<String> OPTIONAL = Settings.ALL.stream().filter(Setting::optional)
            .map(Setting::name).collect(Collectors.toUnmodifiableSet());

    /** The value of each setting by name, in the table's order; {@code host} and {@code port} are in {@code listen}. */
    private final Map<String, Object> values;
    private final TlsSettings tls;

    private Adjustments(Map<String, Object> values) {
        this.values = Collections.unmodifiableMap(values);
        this.tls = new TlsSettings(get(Settings.CERTFILE), get(Settings.KEYFILE), get(Settings.CA_CERTS),
                get(Settings.CERT_REQS), get(Settings.CIPHERS), get(Settings.SSL_VERSION),
                get(Settings.SUPPRESS_RAGGED_EOFS));
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
     * Config Admin's typed values, each read by its entry's converter in {@link Settings}. Absent
     * properties take their defaults. The optional ones ({@link #OPTIONAL}) are absent when
     * blank, too (an empty or white-space string, an empty array or collection): a configuration
     * form such as Felix Web Console's saves the fields left empty, and {@code listen} saved empty
     * next to a {@code host} and {@code port} must not be the conflict of the three.
     *
     * <p>Then the relations between settings:
     * <ul>
     * <li>{@code listen} excludes {@code host} and {@code port}; {@code unix_socket} excludes all
     *     three, and alone the server listens on the Unix domain socket only. Without any of
     *     them, the server listens on {@value Settings#DEFAULT_HOST}:{@value Settings#DEFAULT_PORT}.
     * <li>{@code ipv4} and {@code ipv6} cannot both be off.
     * <li>{@code trusted_proxy_count} and a non-empty {@code trusted_proxy_headers} need a
     *     {@code trusted_proxy}; a trusted proxy without {@code trusted_proxy_headers} is trusted
     *     for {@code x-forwarded-proto} only, as waitress does for backwards compatibility.
     * <li>{@code certfile} and {@code keyfile} go together; {@code ca_certs}, {@code ciphers} and
     *     a {@code cert_reqs} other than none have no meaning without them, and such a
     *     {@code cert_reqs} needs {@code ca_certs}. With them {@code url_scheme} is {@code https}
     *     unless set.
     * </ul>
     *
     * @throws InvalidSettingException naming the first property that cannot be used
     */
    public static Adjustments parse(Map<String, ?> given) throws InvalidSettingException {
        Map<String, Object> read = new HashMap<>();
        for (Setting<?> setting : Settings.ALL) {
            Object value = given.get(setting.name());
            if (value != null && !(setting.optional() && blank(value))) {
                read.put(setting.name(), setting.convert(value));
            }
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (Setting<?> setting : Settings.ALL) {
            setting.defaultValue().ifPresent(value -> values.put(setting.name(), value));
        }
        values.putAll(read);
        values.remove(Settings.HOST.name());
        values.remove(Settings.PORT.name());
        values.put(Settings.LISTEN.name(), addresses(read, given));
        values.put(Settings.WORKERS.name(), read.getOrDefault(Settings.WORKERS.name(), defaultWorkers()));
        resolveProxy(read, given, values);
        resolveTls(read, given, values);
        if (!(Boolean) values.get(Settings.IPV4.name()) && !(Boolean) values.get(Settings.IPV6.name())) {
            throw new InvalidSettingException("ipv6", false, "ipv4 and ipv6 cannot both be off");
        }
        return new Adjustments(values);
    }

    /**
     * Every reason {@code given} cannot be used, rather than the first: each setting's value as
     * its converter judges it, in the table's order; and, when every value is good on its own,
     * the first relation between settings that fails. Empty when {@link #parse} would succeed.
     */
    public static List<InvalidSettingException> problems(Map<String, ?> given) {
        List<InvalidSettingException> problems = new ArrayList<>();
        for (Setting<?> setting : Settings.ALL) {
            Object value = given.get(setting.name());
            if (value != null && !(setting.optional() && blank(value))) {
                try {
                    setting.convert(value);
                } catch (InvalidSettingException e) {
                    problems.add(e);
                }
            }
        }
        if (problems.isEmpty()) {
            try {
                parse(given);
            } catch (InvalidSettingException e) {
                problems.add(e);
            }
        }
        return problems;
    }

    /** {@code listen}, or {@code host}:{@code port}, or nothing beside a {@code unix_socket}. */
    private static List<ListenAddress> addresses(Map<String, Object> read, Map<String, ?> given)
            throws InvalidSettingException {
        boolean hostOrPort = read.containsKey(Settings.HOST.name()) || read.containsKey(Settings.PORT.name());
        boolean listen = read.containsKey(Settings.LISTEN.name());
        if (read.containsKey(Settings.UNIX_SOCKET.name())) {
            if (hostOrPort || listen) {
                throw new InvalidSettingException("unix_socket", given.get("unix_socket"),
                        "cannot be combined with " + (hostOrPort ? "host or port" : "listen"));
            }
            return List.of();
        }
        if (listen) {
            if (hostOrPort) {
                throw new InvalidSettingException("listen", given.get("listen"), "cannot be combined with host or port");
            }
            return cast(read.get(Settings.LISTEN.name()));
        }
        return List.of(new ListenAddress(
                (String) read.getOrDefault(Settings.HOST.name(), Settings.DEFAULT_HOST),
                (Integer) read.getOrDefault(Settings.PORT.name(), Settings.DEFAULT_PORT)));
    }

    private static void resolveProxy(Map<String, Object> read, Map<String, ?> given, Map<String, Object> values)
            throws InvalidSettingException {
        boolean proxy = read.containsKey(Settings.TRUSTED_PROXY.name());
        if (!proxy) {
            for (Setting<?> needsProxy : List.of(Settings.TRUSTED_PROXY_COUNT, Settings.TRUSTED_PROXY_HEADERS)) {
                if (read.containsKey(needsProxy.name())) {
                    throw new InvalidSettingException(needsProxy.name(), given.get(needsProxy.name()),
                            "has no meaning without trusted_proxy");
                }
            }
        }
        values.putIfAbsent(Settings.TRUSTED_PROXY.name(), "");
        values.putIfAbsent(Settings.TRUSTED_PROXY_COUNT.name(), 1);
        values.putIfAbsent(Settings.TRUSTED_PROXY_HEADERS.name(),
                proxy ? Settings.DEFAULT_TRUSTED_PROXY_HEADERS : Set.of());
        values.put(Settings.TRUSTED_PROXY_HEADERS.name(), Collections.unmodifiableSortedSet(
                new TreeSet<>(Adjustments.<Set<String>>cast(values.get(Settings.TRUSTED_PROXY_HEADERS.name())))));
        values.putIfAbsent(Settings.UNIX_SOCKET.name(), "");
    }

    private static void resolveTls(Map<String, Object> read, Map<String, ?> given, Map<String, Object> values)
            throws InvalidSettingException {
        boolean certfile = read.containsKey(Settings.CERTFILE.name());
        if (certfile != read.containsKey(Settings.KEYFILE.name())) {
            String missing = certfile ? "keyfile" : "certfile";
            String present = certfile ? "certfile" : "keyfile";
            throw new InvalidSettingException(present, given.get(present), "needs " + missing + " as well");
        }
        boolean clientCertificates = values.get(Settings.CERT_REQS.name()) != TlsSettings.ClientCertificates.NONE;
        if (!certfile) {
            for (Setting<?> needsCertificate : List.of(Settings.CA_CERTS, Settings.CIPHERS)) {
                if (read.containsKey(needsCertificate.name())) {
                    throw new InvalidSettingException(needsCertificate.name(), given.get(needsCertificate.name()),
                            "has no meaning without certfile");
                }
            }
            if (clientCertificates) {
                throw new InvalidSettingException("cert_reqs", given.get("cert_reqs"), "has no meaning without certfile");
            }
        }
        if (clientCertificates && !read.containsKey(Settings.CA_CERTS.name())) {
            throw new InvalidSettingException("cert_reqs", given.get("cert_reqs"),
                    "needs ca_certs, the CAs client certificates are checked against");
        }
        for (Setting<?> file : List.of(Settings.CERTFILE, Settings.KEYFILE, Settings.CA_CERTS)) {
            values.putIfAbsent(file.name(), "");
        }
        values.putIfAbsent(Settings.CIPHERS.name(), List.of());
        // a TLS server tells its applications https unless told otherwise
        values.putIfAbsent(Settings.URL_SCHEME.name(), certfile ? "https" : "http");
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

    /**
     * The value of {@code setting} in force: as configured, its default, or what follows from
     * other settings.
     *
     * @throws IllegalArgumentException for {@code host} and {@code port}, which are read into
     *     {@link #listen()}
     */
    public <T> T get(Setting<T> setting) {
        Object value = values.get(setting.name());
        if (value == null) {
            throw new IllegalArgumentException(setting.name() + " is read into listen");
        }
        return cast(value);
    }

    /** Every setting's value by name, in the table's order; {@code host} and {@code port} are in {@code listen}. */
    public Map<String, Object> values() {
        return values;
    }

    /**
     * The TCP addresses to listen on: {@code listen}, or else {@code host}:{@code port}; empty
     * when the server listens on {@code unix_socket} only.
     */
    public List<ListenAddress> listen() {
        return get(Settings.LISTEN);
    }

    /** Whether {@code *} binds IPv4 addresses. */
    public boolean ipv4() {
        return get(Settings.IPV4);
    }

    /** Whether {@code *} binds IPv6 addresses. */
    public boolean ipv6() {
        return get(Settings.IPV6);
    }

    /** Application threads. */
    public int threads() {
        return get(Settings.THREADS);
    }

    /** I/O loops. */
    public int workers() {
        return get(Settings.WORKERS);
    }

    /** The {@code Server} header's value; empty for none. */
    public String ident() {
        return get(Settings.IDENT);
    }

    /** The listen backlog. */
    public int backlog() {
        return get(Settings.BACKLOG);
    }

    /** Bytes read from a socket at a time. */
    public int recvBytes() {
        return get(Settings.RECV_BYTES);
    }

    /** Bytes written to a socket at a time. */
    public int sendBytes() {
        return get(Settings.SEND_BYTES);
    }

    /** Request body bytes kept in memory before a temporary file. */
    public int inbufOverflow() {
        return get(Settings.INBUF_OVERFLOW);
    }

    /** Response bytes kept in memory before a temporary file. */
    public int outbufOverflow() {
        return get(Settings.OUTBUF_OVERFLOW);
    }

    /** Pending response bytes above which an application thread waits. */
    public long outbufHighWatermark() {
        return get(Settings.OUTBUF_HIGH_WATERMARK);
    }

    /** Connections served at once: with a request in service, or holding more than a few kilobytes of one. */
    public int connectionLimit() {
        return get(Settings.CONNECTION_LIMIT);
    }

    /** Connections held open while they wait for a request. */
    public int waitingConnectionLimit() {
        return get(Settings.WAITING_CONNECTION_LIMIT);
    }

    /** Seconds between sweeps for idle connections. */
    public int cleanupInterval() {
        return get(Settings.CLEANUP_INTERVAL);
    }

    /** Seconds of inactivity after which a connection is closed. */
    public int channelTimeout() {
        return get(Settings.CHANNEL_TIMEOUT);
    }

    /** Whether premature disconnects are logged. */
    public boolean logSocketErrors() {
        return get(Settings.LOG_SOCKET_ERRORS);
    }

    /** Bytes of request head at which a request is refused (431). */
    public int maxRequestHeaderSize() {
        return get(Settings.MAX_REQUEST_HEADER_SIZE);
    }

    /** Bytes of request body at which a request is refused (413). */
    public long maxRequestBodySize() {
        return get(Settings.MAX_REQUEST_BODY_SIZE);
    }

    /** Whether a 500 shows the application's stack trace. */
    public boolean exposeTracebacks() {
        return get(Settings.EXPOSE_TRACEBACKS);
    }

    /** The scheme applications are told requests came with: {@code http} or {@code https}. */
    public String urlScheme() {
        return get(Settings.URL_SCHEME);
    }

    /** The path prefix every application is mounted below: {@code /a/b}, or empty. */
    public String urlPrefix() {
        return get(Settings.URL_PREFIX);
    }

    /** Pipelined requests read ahead of the one being answered. */
    public int channelRequestLookahead() {
        return get(Settings.CHANNEL_REQUEST_LOOKAHEAD);
    }

    /** The path of a Unix domain socket to listen on as well; empty for none. */
    public String unixSocket() {
        return get(Settings.UNIX_SOCKET);
    }

    /** The Unix domain socket's file mode, e.g. {@code 0600} (384). */
    public int unixSocketPerms() {
        return get(Settings.UNIX_SOCKET_PERMS);
    }

    /**
     * The peer whose proxy headers are trusted: empty for none, {@code *} for any peer,
     * {@code localhost} for peers on the Unix domain socket, or else an IP address (IPv4 dotted
     * quad, or IPv6 in {@link java.net.InetAddress#getHostAddress()}'s form, so that it equals
     * the peer address Java reports).
     */
    public String trustedProxy() {
        return get(Settings.TRUSTED_PROXY);
    }

    /** How many proxies in a chain are trusted (the last ones). */
    public int trustedProxyCount() {
        return get(Settings.TRUSTED_PROXY_COUNT);
    }

    /**
     * The proxy headers trusted from {@link #trustedProxy()}, lower case, sorted: {@code forwarded},
     * or some of the {@code x-forwarded-*} headers; empty when there is no trusted proxy.
     */
    public Set<String> trustedProxyHeaders() {
        return get(Settings.TRUSTED_PROXY_HEADERS);
    }

    /** Whether proxy headers that are not trusted are removed before an application sees the request. */
    public boolean clearUntrustedProxyHeaders() {
        return get(Settings.CLEAR_UNTRUSTED_PROXY_HEADERS);
    }

    /** Whether removing an untrusted proxy header is logged. */
    public boolean logUntrustedProxyHeaders() {
        return get(Settings.LOG_UNTRUSTED_PROXY_HEADERS);
    }

    /** The server name applications are told when a request names no host. */
    public String serverName() {
        return get(Settings.SERVER_NAME);
    }

    /** Seconds an I/O loop waits for events at most (waitress's {@code asyncore.loop} timeout). */
    public int asyncoreLoopTimeout() {
        return get(Settings.ASYNCORE_LOOP_TIMEOUT);
    }

    /** waitress's switch from {@code select()} to {@code poll()}; kept for compatibility only. */
    public boolean asyncoreUsePoll() {
        return get(Settings.ASYNCORE_USE_POLL);
    }

    /** Seconds a stopping server lets requests in flight finish (gunicorn's {@code graceful_timeout}). */
    public int gracefulTimeout() {
        return get(Settings.GRACEFUL_TIMEOUT);
    }

    /** Seconds an application call may run before it is logged and interrupted; 0 for never. */
    public int timeout() {
        return get(Settings.TIMEOUT);
    }

    /**
     * Where the access log goes: empty for nowhere, {@code log} for the OSGi Log Service (logger
     * {@code dev.usher.access}), {@code -} for standard output, else a file.
     */
    public String accessLog() {
        return get(Settings.ACCESSLOG);
    }

    /** An access log line, in gunicorn's {@code %(h)s} atoms. */
    public String accessLogFormat() {
        return get(Settings.ACCESS_LOG_FORMAT);
    }

    /** Whether the server counts requests, durations, bytes, refusals and spills for its status and metrics. */
    public boolean metrics() {
        return get(Settings.METRICS);
    }

    /** Whether listeners bind with {@code SO_REUSEPORT}, so a second server can take the addresses over. */
    public boolean reusePort() {
        return get(Settings.REUSE_PORT);
    }

    /** How blocking applications run (gunicorn's {@code -k/--worker-class}). */
    public WorkerClass workerClass() {
        return get(Settings.WORKER_CLASS);
    }

    /** Whether connections begin with a PROXY protocol header, and which version (gunicorn's {@code proxy_protocol}). */
    public ProxyProtocol proxyProtocol() {
        return get(Settings.PROXY_PROTOCOL);
    }

    /**
     * The peers a PROXY protocol header is accepted from: IP addresses in Java's form, networks
     * as such an address, {@code /} and a prefix length, or {@code *}.
     */
    public List<String> proxyAllowIps() {
        return get(Settings.PROXY_ALLOW_IPS);
    }

    /** HTTPS, from the TLS settings; {@link TlsSettings#enabled()} false for plain HTTP. */
    public TlsSettings tls() {
        return tls;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Adjustments other && values.equals(other.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return "Adjustments" + values;
    }

    /** {@code value} as the type its setting's converter gives; the table is what makes this safe. */
    @SuppressWarnings("unchecked")
    private static <T> T cast(Object value) {
        return (T) value;
    }

    private static boolean blank(Object value) {
        return (value instanceof String s && s.isBlank())
                || (value instanceof String[] array && Arrays.stream(array).allMatch(String::isBlank))
                || (value instanceof Collection<?> c && c.stream().allMatch(o -> o == null || o.toString().isBlank()));
    }
}

package dev.usher.config.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

import dev.usher.config.Adjustments;
import dev.usher.config.ServerSettings;

/**
 * The metatype of an Usher server's configuration, so the Web Console and Karaf show a form
 * and document every property. Method names map to waitress's property names: a double
 * underscore becomes one underscore. Values are read by {@link dev.usher.config.Adjustments}.
 */
@ObjectClassDefinition(
        name = "Usher server",
        description = "An Usher HTTP/1.1 server. PID dev.usher.server is the default server; factory "
                + "configurations dev.usher.server~NAME add named servers.",
        pid = ServerSettings.PID,
        factoryPid = ServerSettings.PID)
@interface ServerConfiguration {

    // host and port declare no default here, although they have one: a form (Felix Web Console)
    // fills in every declared default and saves it, and a saved host or port excludes listen.
    // Left empty they are absent, and the server listens on 0.0.0.0:8080 unless listen says else.
    @AttributeDefinition(name = "Host", description = "Host name or IP address to listen on, with port "
            + "(default 0.0.0.0). Excludes listen and unix_socket.", required = false)
    String host();

    @AttributeDefinition(name = "Port", description = "TCP port to listen on, with host (default 8080); 0 for "
            + "one the system picks. Excludes listen and unix_socket.", required = false)
    int port();

    @AttributeDefinition(name = "Listen", description = "Space-separated host:port, [v6addr]:port or *:port "
            + "addresses (* binds every address of the enabled families); default 0.0.0.0:8080. "
            + "Excludes host, port and unix_socket.", required = false)
    String listen();

    @AttributeDefinition(name = "IPv4", description = "Bind IPv4 addresses for *.")
    boolean ipv4() default true;

    @AttributeDefinition(name = "IPv6", description = "Bind IPv6 addresses for *.")
    boolean ipv6() default true;

    @AttributeDefinition(name = "Threads", description = "Application threads.")
    int threads() default 4;

    @AttributeDefinition(name = "Workers", description = "I/O loops; default: half the processors, at least one.", required = false)
    int workers();

    @AttributeDefinition(name = "Ident", description = "Server header value; empty for none.")
    String ident() default "usher";

    @AttributeDefinition(name = "Backlog", description = "Listen backlog.")
    int backlog() default 1024;

    @AttributeDefinition(name = "Receive bytes", description = "Bytes read from a socket at a time.")
    int recv__bytes() default 8192;

    @AttributeDefinition(name = "Send bytes", description = "Bytes written to a socket at a time.")
    int send__bytes() default 18000;

    @AttributeDefinition(name = "Input buffer overflow", description = "Request body bytes kept in memory "
            + "before spilling to a temporary file.")
    int inbuf__overflow() default 524288;

    @AttributeDefinition(name = "Output buffer overflow", description = "Response bytes kept in memory "
            + "before spilling to a temporary file.")
    int outbuf__overflow() default 1048576;

    @AttributeDefinition(name = "Output high watermark", description = "Pending response bytes above which "
            + "an application thread waits.")
    long outbuf__high__watermark() default 16777216L;

    @AttributeDefinition(name = "Connection limit", description = "Connections served at once: a request in "
            + "service (in its application, or its response being written) or more than 8 KiB of one buffered. At "
            + "the limit a request sheds a connection stalled below 500 bytes a second, or waits for a slot.")
    int connection__limit() default 100;

    @AttributeDefinition(name = "Waiting connection limit", description = "Connections held open while they "
            + "wait for a request (just opened, idle between requests, or receiving a small one). At the limit "
            + "each new connection sheds the one idle, silent or trickling longest.")
    int waiting__connection__limit() default 2048;

    @AttributeDefinition(name = "Cleanup interval", description = "Seconds between sweeps for idle connections.")
    int cleanup__interval() default 30;

    @AttributeDefinition(name = "Channel timeout", description = "Seconds of inactivity before a connection "
            + "is closed.")
    int channel__timeout() default 120;

    @AttributeDefinition(name = "Log socket errors", description = "Log premature client disconnects.")
    boolean log__socket__errors() default true;

    @AttributeDefinition(name = "Maximum request header size", description = "Bytes of request head at which "
            + "a request is refused with 431.")
    int max__request__header__size() default 262144;

    @AttributeDefinition(name = "Maximum request body size", description = "Bytes of request body at which "
            + "a request is refused with 413.")
    long max__request__body__size() default 1073741824L;

    @AttributeDefinition(name = "Expose tracebacks", description = "Show the stack trace in a 500 response.")
    boolean expose__tracebacks() default false;

    @AttributeDefinition(name = "URL scheme", description = "Scheme reported to applications (http or https); "
            + "default https with certfile, else http.", required = false,
            options = {@Option(label = "http", value = "http"), @Option(label = "https", value = "https")})
    String url__scheme();

    @AttributeDefinition(name = "URL prefix", description = "Path prefix every application is mounted below.",
            required = false)
    String url__prefix() default "";

    @AttributeDefinition(name = "Request lookahead", description = "Pipelined requests read ahead of the one "
            + "being answered.")
    int channel__request__lookahead() default 0;

    @AttributeDefinition(name = "Unix socket", description = "Path of a Unix domain socket to listen on. "
            + "Excludes host, port and listen: the server then listens on this socket only.", required = false)
    String unix__socket();

    @AttributeDefinition(name = "Unix socket permissions", description = "File mode of the Unix domain socket, "
            + "in octal (600, 0600 or 0o600). A number is read as octal too: 600 means 0600.")
    String unix__socket__perms() default "600";

    @AttributeDefinition(name = "Trusted proxy", description = "IP address of the peer whose proxy headers "
            + "are trusted; * trusts every peer (safe only when nothing but your proxies can reach the server); "
            + "localhost trusts peers on the Unix domain socket.", required = false)
    String trusted__proxy();

    @AttributeDefinition(name = "Trusted proxy count", description = "How many proxies of a chain are trusted "
            + "(default 1). Requires trusted_proxy.", required = false)
    int trusted__proxy__count();

    @AttributeDefinition(name = "Trusted proxy headers", description = "Proxy headers trusted from "
            + "trusted_proxy: forwarded, or some of the x-forwarded-* headers, separated by spaces or commas. "
            + "Without any, x-forwarded-proto alone is trusted, as in waitress. Requires trusted_proxy.",
            required = false, cardinality = 6, options = {
                @Option(label = "Forwarded", value = "forwarded"),
                @Option(label = "X-Forwarded-For", value = "x-forwarded-for"),
                @Option(label = "X-Forwarded-Host", value = "x-forwarded-host"),
                @Option(label = "X-Forwarded-Proto", value = "x-forwarded-proto"),
                @Option(label = "X-Forwarded-Port", value = "x-forwarded-port"),
                @Option(label = "X-Forwarded-By", value = "x-forwarded-by")})
    String[] trusted__proxy__headers();

    @AttributeDefinition(name = "Clear untrusted proxy headers", description = "Remove the proxy headers "
            + "(Forwarded, X-Forwarded-*) that are not trusted before an application sees the request.")
    boolean clear__untrusted__proxy__headers() default true;

    @AttributeDefinition(name = "Log untrusted proxy headers", description = "Log a warning when an untrusted "
            + "proxy header is removed.")
    boolean log__untrusted__proxy__headers() default false;

    @AttributeDefinition(name = "Server name", description = "Host name applications are told when a request "
            + "names none (HTTP/1.0 without Host and no trusted proxy header).")
    String server__name() default "usher.invalid";

    @AttributeDefinition(name = "Loop timeout", description = "Seconds an I/O loop waits for events at most "
            + "(waitress's asyncore loop timeout).")
    int asyncore__loop__timeout() default 1;

    @AttributeDefinition(name = "Use poll", description = "waitress's switch from select() to poll(). Usher's "
            + "selectors have no descriptor limit; accepted for compatibility.")
    boolean asyncore__use__poll() default false;

    @AttributeDefinition(name = "Graceful timeout", description = "Seconds a stopping server lets requests "
            + "in flight finish.")
    int graceful__timeout() default 30;

    @AttributeDefinition(name = "Timeout", description = "Seconds an application call may run before it is "
            + "logged with its stack and interrupted; 0 for never.")
    int timeout() default 0;

    @AttributeDefinition(name = "Worker class", description = "How blocking applications run: 'sync' on the "
            + "threads pool, 'virtual' on a virtual thread per request (Java 21 or later).",
            options = {@Option(label = "sync", value = "sync"), @Option(label = "virtual", value = "virtual")})
    String worker__class() default "sync";

    @AttributeDefinition(name = "Access log", description = "Where the access log goes: empty for nowhere, "
            + "'log' for the Log Service, '-' for standard output, else a file.", required = false)
    String accesslog() default "";

    @AttributeDefinition(name = "Access log format", description = "gunicorn's atoms: %(h)s remote address, "
            + "%(t)s time, %(r)s request line, %(s)s status, %(b)s length, %(f)s referer, %(a)s user agent, "
            + "%(L)s request time in seconds, %(D)s in microseconds, ...")
    String access__log__format() default Adjustments.DEFAULT_ACCESS_LOG_FORMAT;

    @AttributeDefinition(name = "Reuse port", description = "Bind with SO_REUSEPORT so a new server can take "
            + "over the addresses without a gap.")
    boolean reuse__port() default false;

    @AttributeDefinition(name = "Certificate file", description = "PEM certificate chain, the server's own "
            + "first: with keyfile, the server speaks HTTPS. Replacing the file applies to new connections "
            + "within a second, without a restart.", required = false)
    String certfile();

    @AttributeDefinition(name = "Key file", description = "PEM private key of the certificate (PKCS#8, or "
            + "traditional RSA or EC), unencrypted.", required = false)
    String keyfile();

    @AttributeDefinition(name = "CA certificates", description = "PEM certificates trusted to sign client "
            + "certificates.", required = false)
    String ca__certs();

    @AttributeDefinition(name = "Client certificates", description = "Whether clients must present a "
            + "certificate signed by ca_certs: none, optional or required (Python's 0, 1, 2).",
            options = {@Option(label = "none", value = "none"), @Option(label = "optional", value = "optional"),
                @Option(label = "required", value = "required")})
    String cert__reqs() default "none";

    @AttributeDefinition(name = "Ciphers", description = "Cipher suites offered, by standard name "
            + "(TLS_AES_128_GCM_SHA256, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, ...), separated by colons; "
            + "empty for the JVM's defaults.", required = false)
    String ciphers();

    @AttributeDefinition(name = "TLS versions", description = "Protocol versions offered: TLSv1.2, TLSv1.3, "
            + "or TLS for both.")
    String ssl__version() default "TLSv1.3 TLSv1.2";

    @AttributeDefinition(name = "Suppress ragged EOFs", description = "Take a client that closes without "
            + "close_notify as an ordinary end of input; when off, what was in progress is dropped.")
    boolean suppress__ragged__eofs() default true;
}

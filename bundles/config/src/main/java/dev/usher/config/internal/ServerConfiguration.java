package dev.usher.config.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The metatype of an Usher server's configuration, so the Web Console and Karaf show a form
 * and document every property. Method names map to waitress's property names: a double
 * underscore becomes one underscore. Values are read by {@link dev.usher.config.Adjustments}.
 */
@ObjectClassDefinition(
        name = "Usher server",
        description = "An Usher HTTP/1.1 server. PID dev.usher.server is the default server; factory "
                + "configurations dev.usher.server~NAME add named servers.",
        pid = ServerConfigurations.PID,
        factoryPid = ServerConfigurations.PID)
@interface ServerConfiguration {

    @AttributeDefinition(name = "Host", description = "Address to listen on (with port); ignored when listen is set.")
    String host() default "0.0.0.0";

    @AttributeDefinition(name = "Port", description = "TCP port to listen on (with host).")
    int port() default 8080;

    @AttributeDefinition(name = "Listen", description = "Space-separated host:port, [v6addr]:port or *:port "
            + "addresses; excludes host and port.", required = false)
    String listen();

    @AttributeDefinition(name = "IPv4", description = "Bind IPv4 addresses for *.")
    boolean ipv4() default true;

    @AttributeDefinition(name = "IPv6", description = "Bind IPv6 addresses for *.")
    boolean ipv6() default true;

    @AttributeDefinition(name = "Threads", description = "Application threads.")
    int threads() default 4;

    @AttributeDefinition(name = "Workers", description = "I/O loops; default: one per processor.", required = false)
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

    @AttributeDefinition(name = "Connection limit", description = "Open connections above which the server "
            + "stops accepting.")
    int connection__limit() default 100;

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

    @AttributeDefinition(name = "URL scheme", description = "Scheme reported to applications (http or https).")
    String url__scheme() default "http";

    @AttributeDefinition(name = "URL prefix", description = "Path prefix every application is mounted below.",
            required = false)
    String url__prefix() default "";

    @AttributeDefinition(name = "Request lookahead", description = "Pipelined requests read ahead of the one "
            + "being answered.")
    int channel__request__lookahead() default 0;
}

package dev.usher.runtime.options;

import dev.usher.config.FileModes;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.usher.config.Adjustments;
import dev.usher.config.InvalidSettingException;
import dev.usher.config.ProxyProtocol;
import dev.usher.config.TlsSettings;
import dev.usher.config.WorkerClass;

/**
 * Parses {@code java -jar usher.jar [OPTIONS] [SETTINGS_PATH]}: gunicorn_paster's options, as
 * argparse reads them ({@code -w 4}, {@code -w4}, {@code --workers 4}, {@code --workers=4},
 * clustered flags such as {@code -dD}, {@code --} ending the options; the last of a repeated
 * option wins, except {@code -b}, which adds).
 */
public final class CommandLine {

    /** The prefix of a Unix domain socket address in {@code -b}. */
    public static final String UNIX_PREFIX = "unix:";

    /** gunicorn_paster's default {@code -a/--arbiter}: the only value accepted. */
    public static final String DEFAULT_ARBITER = "egg:gunicorn#main";

    /** The most I/O workers a server may have (as the config bundle checks). */
    public static final int MAX_WORKERS = 1024;

    /** One option: its spellings, the name of its value (null for a flag), its help and default. */
    public record Spec(String shortName, String longName, String metavar, String help, String defaultValue) {

        /** {@code -w/--workers}, as errors name it. */
        public String display() {
            return shortName == null ? longName : shortName + "/" + longName;
        }

        /**
         * The setting an option that sets one setting of every server sets: {@code --ca-certs}
         * sets {@code ca_certs}; gunicorn's {@code --proxy-allow-from} sets {@code proxy_allow_ips}.
         */
        String setting() {
            return longName.equals("--proxy-allow-from") ? "proxy_allow_ips" : longName.substring(2).replace('-', '_');
        }
    }

    /** Every option, in the order of {@code --help}. */
    public static final List<Spec> SPECS = List.of(
            new Spec("-h", "--help", null, "show this help message and exit", null),
            new Spec(null, "--version", null, "show the version and exit", null),
            new Spec("-c", "--config", "FILE",
                    "settings file: waitress settings of the default server ([server:main]) and named ones ([server:NAME])",
                    "none"),
            new Spec("-b", "--bind", "ADDRESS",
                    "address to listen on: HOST:PORT, [IPV6]:PORT, *:PORT or unix:PATH; repeat for more",
                    "0.0.0.0:8080"),
            new Spec("-w", "--workers", "INT", "I/O workers (event loops) of every server", "half the processors"),
            new Spec("-k", "--worker-class", "STRING", "how blocking applications run: sync (on the threads "
                    + "pool) or virtual (a virtual thread per request, Java 21 or later)", "sync"),
            new Spec("-a", "--arbiter", "ARBITER", "gunicorn's arbiter entry point; Usher's arbiter is its own "
                    + "launcher, which supervises the OSGi framework, so only the default is accepted",
                    DEFAULT_ARBITER),
            new Spec("-p", "--pid", "FILE", "write the process id to FILE once serving; removed at exit", "none"),
            new Spec("-D", "--daemon", null, "detach: run in the background in a new session", "off"),
            new Spec("-m", "--umask", "INT",
                    "octal umask for the files Usher creates (pid file, log file, unix sockets)", "inherited"),
            new Spec("-u", "--user", "USER", "run as USER: accepted only when already running as USER", "current"),
            new Spec("-g", "--group", "GROUP", "run as GROUP: accepted only when already running as GROUP",
                    "current"),
            new Spec("-n", "--name", "STRING", "process name: in log lines and the JMX name", "usher"),
            new Spec(null, "--log-level", "LEVEL", "least severe level logged: debug, info, warning, error, critical",
                    "info"),
            new Spec(null, "--log-file", "FILE", "the log: '-' for standard output, else a file (reopened on USR1)",
                    "-"),
            new Spec("-d", "--debug", null, "debug logging, one worker, tracebacks in 500 responses", "off"),
            new Spec(null, "--check-config", null, "check the settings (files and options) and exit: 0 if valid, 1 if not",
                    null),
            new Spec(null, "--reuse-port", null, "bind with SO_REUSEPORT, so a new server can take over the addresses",
                    "off"),
            new Spec(null, "--access-logfile", "FILE",
                    "access log: '-' for standard output, 'log' for the log, '' for none, else a file", "log"),
            new Spec(null, "--graceful-timeout", "INT", "seconds a stopping server lets requests in flight finish",
                    "30"),
            new Spec("-t", "--timeout", "INT",
                    "seconds an application call may run before it is logged and interrupted; 0 for never", "0"),
            new Spec(null, "--certfile", "FILE", "PEM certificate chain: with --keyfile, every server speaks HTTPS; "
                    + "a replaced file applies to new connections without a restart", "none"),
            new Spec(null, "--keyfile", "FILE", "PEM private key of the certificate (PKCS#8, RSA or EC)", "none"),
            new Spec(null, "--ca-certs", "FILE", "PEM CA certificates that sign client certificates", "none"),
            new Spec(null, "--cert-reqs", "STRING", "client certificates: none, optional or required (0, 1, 2)",
                    "none"),
            new Spec(null, "--ciphers", "STRING", "cipher suites, by standard name, separated by colons",
                    "the JVM's"),
            new Spec(null, "--proxy-protocol", "STRING",
                    "connections begin with a PROXY protocol header from a load balancer: off, v1, v2 or auto", "off"),
            new Spec(null, "--proxy-allow-from", "STRING",
                    "the balancers' IP addresses PROXY headers are accepted from, comma-separated; * for any",
                    "127.0.0.1,::1"));

    private CommandLine() {
    }

    /**
     * Parses a command line. Files are checked: {@code -c} must be a readable file and
     * {@code SETTINGS_PATH} a directory.
     *
     * @throws UsageException naming the first option that cannot be used
     */
    public static Options parse(String... args) throws UsageException {
        Builder options = new Builder();
        boolean onlyPositional = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (onlyPositional || arg.equals("-") || !arg.startsWith("-")) {
                options.positional(arg);
            } else if (arg.equals("--")) {
                onlyPositional = true;
            } else if (arg.startsWith("--")) {
                int equals = arg.indexOf('=');
                String name = equals < 0 ? arg : arg.substring(0, equals);
                Spec spec = byLong(name);
                if (spec == null) {
                    throw new UsageException(null, "unrecognized option " + name + " (see --help)");
                }
                if (spec.metavar() == null) {
                    if (equals >= 0) {
                        throw new UsageException(spec.display(), "takes no value");
                    }
                    options.flag(spec);
                } else if (equals >= 0) {
                    options.value(spec, arg.substring(equals + 1));
                } else if (i + 1 < args.length) {
                    options.value(spec, args[++i]);
                } else {
                    throw new UsageException(spec.display(), "expected a value (" + spec.metavar() + ")");
                }
            } else {
                // one or more short options: -d, -dD, -w4, -w 4, -Dw4
                for (int at = 1; at < arg.length(); at++) {
                    Spec spec = byShort("-" + arg.charAt(at));
                    if (spec == null) {
                        throw new UsageException(null, "unrecognized option -" + arg.charAt(at) + " (see --help)");
                    }
                    if (spec.metavar() == null) {
                        options.flag(spec);
                    } else {
                        if (at + 1 < arg.length()) {
                            options.value(spec, arg.substring(at + 1));
                        } else if (i + 1 < args.length) {
                            options.value(spec, args[++i]);
                        } else {
                            throw new UsageException(spec.display(), "expected a value (" + spec.metavar() + ")");
                        }
                        break;
                    }
                }
            }
        }
        return options.build();
    }

    /** The spec of a long option, or null. */
    static Spec byLong(String name) {
        return SPECS.stream().filter(spec -> spec.longName().equals(name)).findFirst().orElse(null);
    }

    /** The spec of a short option, or null. */
    static Spec byShort(String name) {
        return SPECS.stream().filter(spec -> name.equals(spec.shortName())).findFirst().orElse(null);
    }

    /**
     * Checks one {@code -b} address and returns it: {@code unix:PATH} with a non-empty path
     * without white space, or an address the {@code listen} setting accepts.
     */
    static String checkBind(String option, String value) throws UsageException {
        if (value.startsWith(UNIX_PREFIX)) {
            String path = value.substring(UNIX_PREFIX.length());
            if (path.isEmpty()) {
                throw new UsageException(option, "no path in " + value);
            }
            if (path.chars().anyMatch(Character::isWhitespace)) {
                throw new UsageException(option, "a Unix socket path with white space is not supported: " + value);
            }
            try {
                Path.of(path);
            } catch (InvalidPathException e) {
                throw new UsageException(option, "not a path: " + value);
            }
            return value;
        }
        if (value.isEmpty() || value.chars().anyMatch(Character::isWhitespace)) {
            throw new UsageException(option, "not an address: '" + value + "'");
        }
        if (value.startsWith("fd://")) {
            throw new UsageException(option, "file descriptors (" + value + ") are not supported; use --reuse-port "
                    + "to hand addresses over between processes");
        }
        try {
            Adjustments.parse(Map.of("listen", value));
        } catch (InvalidSettingException e) {
            throw new UsageException(option, e.getMessage());
        }
        return value;
    }

    static int parseNumber(String option, String value, int min, int max) throws UsageException {
        int number;
        try {
            number = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(option, "not a whole number: '" + value + "'");
        }
        if (number < min || number > max) {
            throw new UsageException(option, max == Integer.MAX_VALUE
                    ? "must be at least " + min + ", not " + number
                    : "must be from " + min + " to " + max + ", not " + number);
        }
        return number;
    }

    /** An umask in octal: {@code 22}, {@code 022}, {@code 0022} or {@code 0o022}, at most {@code 0777}. */
    static int parseUmask(String option, String value) throws UsageException {
        try {
            return FileModes.parseOctal(value);
        } catch (NumberFormatException e) {
            throw new UsageException(option, "not an octal mode such as 022: '" + value + "'");
        } catch (IllegalArgumentException e) {
            throw new UsageException(option, "must be from 0 to 0777 (octal), not " + value);
        }
    }

    /** {@code --proxy-protocol}: as the {@code proxy_protocol} setting takes it, in its own name. */
    static String parseProxyProtocol(String option, String value) throws UsageException {
        try {
            return ProxyProtocol.of(value).setting();
        } catch (IllegalArgumentException e) {
            throw new UsageException(option, "'" + value + "' " + e.getMessage());
        }
    }

    /** {@code --cert-reqs}: as the {@code cert_reqs} setting takes it, in its own name. */
    static String parseCertReqs(String option, String value) throws UsageException {
        try {
            return TlsSettings.ClientCertificates.of(value).setting();
        } catch (IllegalArgumentException e) {
            throw new UsageException(option, "'" + value + "' " + e.getMessage());
        }
    }

    /**
     * {@code -k}: {@code sync} or {@code virtual} (any case), as the {@code worker_class}
     * setting's value; {@code virtual} only on a JVM with virtual threads.
     */
    static String parseWorkerClass(String option, String value) throws UsageException {
        WorkerClass workerClass;
        try {
            workerClass = WorkerClass.of(value);
        } catch (IllegalArgumentException e) {
            throw new UsageException(option, "'" + value + "' " + e.getMessage());
        }
        try {
            return workerClass.requireAvailable().setting();
        } catch (IllegalArgumentException e) {
            throw new UsageException(option, e.getMessage());
        }
    }

    /** gunicorn's level names (and the OSGi ones) as the OSGi level name. */
    static String parseLogLevel(String option, String value) throws UsageException {
        switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "trace":
                return "TRACE";
            case "debug":
                return "DEBUG";
            case "info":
                return "INFO";
            case "warning", "warn":
                return "WARN";
            case "error", "critical":
                return "ERROR";
            case "audit":
                return "AUDIT";
            default:
                throw new UsageException(option,
                        "not a level: '" + value + "' (debug, info, warning, error or critical)");
        }
    }

    /** Collects options as they are parsed. */
    private static final class Builder {
        private Path config;
        private Path settingsPath;
        private final List<String> binds = new ArrayList<>();
        private Integer workers;
        private Path pidFile;
        private boolean daemon;
        private Integer umask;
        private String user;
        private String group;
        private String name;
        private String logLevel;
        private String logFile;
        private boolean debug;
        private boolean checkConfig;
        private boolean reusePort;
        private String accessLogFile;
        private Integer gracefulTimeout;
        private Integer timeout;
        private String workerClass;
        private final Map<String, String> serverSettings = new LinkedHashMap<>();
        private boolean help;
        private boolean version;

        void positional(String arg) throws UsageException {
            if (settingsPath != null) {
                throw new UsageException(null, "more than one SETTINGS_PATH: " + settingsPath + " and " + arg);
            }
            Path path = path("SETTINGS_PATH", arg);
            if (!Files.isDirectory(path)) {
                throw new UsageException(null, "SETTINGS_PATH " + arg + " is not a directory");
            }
            settingsPath = path;
        }

        void flag(Spec spec) {
            switch (spec.longName()) {
                case "--help" -> help = true;
                case "--version" -> version = true;
                case "--daemon" -> daemon = true;
                case "--debug" -> debug = true;
                case "--check-config" -> checkConfig = true;
                case "--reuse-port" -> reusePort = true;
                default -> throw new AssertionError(spec);
            }
        }

        void value(Spec spec, String value) throws UsageException {
            String option = spec.display();
            switch (spec.longName()) {
                case "--config" -> {
                    Path path = path(option, value);
                    if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
                        throw new UsageException(option, "no readable file " + value);
                    }
                    config = path;
                }
                case "--bind" -> binds.add(checkBind(option, value.trim()));
                case "--workers" -> workers = parseNumber(option, value, 1, MAX_WORKERS);
                case "--pid" -> pidFile = path(option, value);
                case "--umask" -> umask = parseUmask(option, value);
                case "--user" -> user = nonEmpty(option, value);
                case "--group" -> group = nonEmpty(option, value);
                case "--name" -> {
                    name = nonEmpty(option, value);
                    if (name.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                        throw new UsageException(option, "holds a control character");
                    }
                }
                case "--log-level" -> logLevel = parseLogLevel(option, value);
                case "--log-file" -> logFile = value.equals("-") ? value : path(option, value).toString();
                case "--access-logfile" -> accessLogFile = value.isEmpty() || value.equals("-") || value.equals("log")
                        ? value : path(option, value).toString();
                case "--graceful-timeout" -> gracefulTimeout = parseNumber(option, value, 0, Integer.MAX_VALUE);
                case "--timeout" -> timeout = parseNumber(option, value, 0, Integer.MAX_VALUE);
                case "--worker-class" -> workerClass = parseWorkerClass(option, value);
                case "--certfile", "--keyfile", "--ca-certs" -> serverSettings.put(spec.setting(),
                        path(option, value).toAbsolutePath().toString());
                case "--cert-reqs" -> serverSettings.put(spec.setting(), parseCertReqs(option, value));
                case "--ciphers", "--proxy-allow-from" -> serverSettings.put(spec.setting(), nonEmpty(option, value));
                case "--proxy-protocol" -> serverSettings.put(spec.setting(), parseProxyProtocol(option, value));
                case "--arbiter" -> {
                    if (!value.trim().equals(DEFAULT_ARBITER)) {
                        throw new UsageException(option, "Usher's arbiter is its own launcher; only the default "
                                + DEFAULT_ARBITER + " is accepted, not '" + value + "'");
                    }
                }
                default -> throw new AssertionError(spec);
            }
        }

        Options build() {
            return new Options(config, settingsPath, binds, workers, pidFile, daemon, umask, user, group, name,
                    logLevel, logFile, debug, checkConfig, reusePort, accessLogFile, gracefulTimeout, timeout, workerClass,
                    serverSettings, help, version);
        }

        private static String nonEmpty(String option, String value) throws UsageException {
            if (value.isBlank()) {
                throw new UsageException(option, "must not be empty");
            }
            return value.trim();
        }

        private static Path path(String option, String value) throws UsageException {
            if (value.isEmpty()) {
                throw new UsageException(option, "expected a path, got an empty string");
            }
            try {
                return Path.of(value);
            } catch (InvalidPathException e) {
                throw new UsageException(option, "not a path: " + value);
            }
        }
    }
}

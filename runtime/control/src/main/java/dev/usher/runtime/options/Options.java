package dev.usher.runtime.options;

import dev.usher.config.FrameworkProperties;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The options of one command line, parsed and checked (see {@link CommandLine}).
 *
 * <p>The launcher hands them to the framework as framework properties ({@link #toProperties()}),
 * one property per option, and the control bundle reads them back ({@link #fromProperties}). So
 * each option can also be given as {@code -Dname=value} on the {@code java} command line.
 *
 * @param config {@code -c}: the settings file, or null
 * @param settingsPath {@code SETTINGS_PATH}: the directory holding {@code etc/} and {@code deploy/},
 *     or null for the working directory
 * @param binds {@code -b}: addresses as given ({@code host:port}, {@code [v6]:port},
 *     {@code *:port}, {@code unix:/path}), in order
 * @param workers {@code -w}, or null
 * @param pidFile {@code -p}, or null
 * @param daemon {@code -D}
 * @param umask {@code -m}, or null
 * @param user {@code -u}, or null
 * @param group {@code -g}, or null
 * @param name {@code -n}, or null
 * @param logLevel {@code --log-level} as an OSGi log level name ({@code DEBUG}, {@code INFO},
 *     {@code WARN}, {@code ERROR}, ...), or null
 * @param logFile {@code --log-file}: {@code -} or a path, or null (standard output)
 * @param debug {@code -d}
 * @param checkConfig {@code --check-config}
 * @param reusePort {@code --reuse-port}
 * @param accessLogFile {@code --access-logfile}: {@code -}, {@code log}, empty (off) or a path,
 *     or null (the runtime's default, {@code log})
 * @param gracefulTimeout {@code --graceful-timeout} in seconds, or null
 * @param timeout {@code --timeout} in seconds, or null
 * @param workerClass {@code -k}: the {@code worker_class} setting's value ({@code sync} or
 *     {@code virtual}), or null
 * @param serverSettings the options that set one setting of every server, by the setting
 *     ({@link #SETTING_OPTIONS}): {@code --certfile}, {@code --keyfile}, {@code --ca-certs},
 *     {@code --cert-reqs}, {@code --ciphers}, {@code --proxy-protocol} and
 *     {@code --proxy-allow-from}; files as absolute paths; empty when none is given
 * @param help {@code -h}
 * @param version {@code --version}
 */
public record Options(
        Path config,
        Path settingsPath,
        List<String> binds,
        Integer workers,
        Path pidFile,
        boolean daemon,
        Integer umask,
        String user,
        String group,
        String name,
        String logLevel,
        String logFile,
        boolean debug,
        boolean checkConfig,
        boolean reusePort,
        String accessLogFile,
        Integer gracefulTimeout,
        Integer timeout,
        String workerClass,
        Map<String, String> serverSettings,
        boolean help,
        boolean version) {

    /** Framework property of {@code -c}: the settings file's absolute path. */
    public static final String CONFIG = "usher.config";
    /** Framework property of {@code SETTINGS_PATH}: the directory's absolute path. */
    public static final String SETTINGS_PATH = "usher.settings.path";
    /** Framework property of {@code -b}: the addresses, separated by spaces. */
    public static final String BIND = "usher.bind";
    /** Framework property of {@code -w}. */
    public static final String WORKERS = "usher.workers";
    /** Framework property of {@code -p}: the pid file's absolute path. */
    public static final String PID_FILE = "usher.pidfile";
    /** Framework property of {@code -m}: octal, e.g. {@code 0022}. */
    public static final String UMASK = FrameworkProperties.UMASK;
    /** Framework property of {@code -n}: the process name, in log lines and the JMX name. */
    public static final String NAME = FrameworkProperties.PROCESS_NAME;
    /** Framework property of {@code --log-level}: the console bundle's least severe level printed. */
    public static final String LOG_LEVEL = "usher.log.level";
    /** The Log Service's own threshold (Felix Log's LoggerAdmin): INFO, or DEBUG with debug logging. */
    public static final String LOG_SERVICE_LEVEL = "org.osgi.service.log.admin.loglevel";
    /** Framework property of {@code --log-file}. */
    public static final String LOG_FILE = "usher.log.file";
    /** Framework property of {@code -d}. */
    public static final String DEBUG = "usher.debug";
    /** Framework property of {@code --reuse-port}. */
    public static final String REUSE_PORT = "usher.reuse_port";
    /** Framework property of {@code --access-logfile}. */
    public static final String ACCESS_LOG = "usher.accesslog";
    /** Framework property of {@code --graceful-timeout}. */
    public static final String GRACEFUL_TIMEOUT = "usher.graceful_timeout";
    /** Framework property of {@code --timeout}. */
    public static final String TIMEOUT = "usher.timeout";
    /** Framework property of {@code -k}. */
    public static final String WORKER_CLASS = "usher.worker_class";
    /**
     * The settings options set on every server, in {@code --help}'s order: {@code usher.} and the
     * name is each one's framework property.
     */
    public static final List<String> SETTING_OPTIONS = List.of("certfile", "keyfile", "ca_certs", "cert_reqs", "ciphers",
            "proxy_protocol", "proxy_allow_ips");
    /** FileInstall's directories: {@code SETTINGS_PATH/etc,SETTINGS_PATH/deploy}. */
    public static final String FILEINSTALL_DIR = "felix.fileinstall.dir";
    /**
     * Set by a daemonizing launcher on the daemon it starts: the file in which the daemon reports
     * {@code READY pid} or {@code FAILED message} (see {@link DaemonStatus}).
     */
    public static final String DAEMON_STATUS = "usher.daemon.status";

    /** The options of an empty command line. */
    public static final Options NONE = new Options(null, null, List.of(), null, null, false, null, null, null,
            null, null, null, false, false, false, null, null, null, null, Map.of(), false, false);

    /** Checks invariants and makes {@code binds} immutable. */
    public Options {
        binds = List.copyOf(binds);
        serverSettings = Collections.unmodifiableMap(new LinkedHashMap<>(serverSettings));
    }

    /** The directory holding {@code etc/} and {@code deploy/}. */
    public Path settingsDirectory() {
        return settingsPath == null ? Path.of("") : settingsPath;
    }

    /** The TCP addresses of {@code -b}, in order. */
    public List<String> tcpBinds() {
        return binds.stream().filter(bind -> !bind.startsWith(CommandLine.UNIX_PREFIX)).toList();
    }

    /** The Unix socket paths of {@code -b unix:PATH}, in order. */
    public List<String> unixBinds() {
        return binds.stream().filter(bind -> bind.startsWith(CommandLine.UNIX_PREFIX))
                .map(bind -> bind.substring(CommandLine.UNIX_PREFIX.length())).toList();
    }

    /** {@code --log-level}, or {@code DEBUG} with {@code -d}, or null. */
    public String effectiveLogLevel() {
        return logLevel != null ? logLevel : debug ? "DEBUG" : null;
    }

    /**
     * The framework properties that carry these options into the framework: only those of the
     * options given, so a property given with {@code -D} stays in force where no option overrides
     * it. Paths are absolute.
     */
    public Map<String, String> toProperties() {
        Map<String, String> properties = new LinkedHashMap<>();
        if (config != null) {
            properties.put(CONFIG, config.toAbsolutePath().toString());
        }
        if (settingsPath != null) {
            Path directory = settingsPath.toAbsolutePath();
            properties.put(SETTINGS_PATH, directory.toString());
            properties.put(FILEINSTALL_DIR, directory.resolve("etc") + "," + directory.resolve("deploy"));
        }
        if (!binds.isEmpty()) {
            properties.put(BIND, String.join(" ", binds));
        }
        if (workers != null) {
            properties.put(WORKERS, workers.toString());
        }
        if (pidFile != null) {
            properties.put(PID_FILE, pidFile.toAbsolutePath().toString());
        }
        if (umask != null) {
            properties.put(UMASK, octal(umask));
        }
        if (name != null) {
            properties.put(NAME, name);
        }
        String level = effectiveLogLevel();
        if (level != null) {
            properties.put(LOG_LEVEL, level);
            // the Log Service must let INFO through whatever the console prints: the control bundle
            // learns from the "Serving on" lines that the servers listen
            properties.put(LOG_SERVICE_LEVEL, level.equals("DEBUG") || level.equals("TRACE") ? level : "INFO");
        }
        if (logFile != null) {
            properties.put(LOG_FILE, logFile.equals("-") ? "-" : Path.of(logFile).toAbsolutePath().toString());
        }
        if (debug) {
            properties.put(DEBUG, "true");
        }
        if (reusePort) {
            properties.put(REUSE_PORT, "true");
        }
        if (accessLogFile != null) {
            properties.put(ACCESS_LOG, accessLogPath(accessLogFile));
        }
        if (gracefulTimeout != null) {
            properties.put(GRACEFUL_TIMEOUT, gracefulTimeout.toString());
        }
        if (timeout != null) {
            properties.put(TIMEOUT, timeout.toString());
        }
        if (workerClass != null) {
            properties.put(WORKER_CLASS, workerClass);
        }
        serverSettings.forEach((setting, value) -> properties.put("usher." + setting, value));
        return properties;
    }

    /**
     * The options that {@link #toProperties()} carries, read back from framework properties (the
     * launcher-only options -- {@code -D}, {@code -u}, {@code -g}, {@code --check-config},
     * {@code -h}, {@code --version} -- are not carried).
     *
     * @throws UsageException naming the property whose value is not usable
     */
    public static Options fromProperties(Function<String, String> properties) throws UsageException {
        List<String> binds = new ArrayList<>();
        String bind = properties.apply(BIND);
        if (bind != null) {
            for (String word : bind.trim().split("\\s+")) {
                if (!word.isEmpty()) {
                    binds.add(CommandLine.checkBind(BIND, word));
                }
            }
        }
        String config = properties.apply(CONFIG);
        String settingsPath = properties.apply(SETTINGS_PATH);
        String pidFile = properties.apply(PID_FILE);
        String umask = properties.apply(UMASK);
        String level = properties.apply(LOG_LEVEL);
        String workerClass = properties.apply(WORKER_CLASS);
        Map<String, String> serverSettings = new LinkedHashMap<>();
        for (String setting : SETTING_OPTIONS) {
            String value = blankToNull(properties.apply("usher." + setting));
            if (value != null) {
                serverSettings.put(setting, switch (setting) {
                    case "cert_reqs" -> CommandLine.parseCertReqs("usher." + setting, value);
                    case "proxy_protocol" -> CommandLine.parseProxyProtocol("usher." + setting, value);
                    default -> value;
                });
            }
        }
        return new Options(
                config == null || config.isBlank() ? null : Path.of(config),
                settingsPath == null || settingsPath.isBlank() ? null : Path.of(settingsPath),
                binds,
                number(properties, WORKERS, 1, CommandLine.MAX_WORKERS),
                pidFile == null || pidFile.isBlank() ? null : Path.of(pidFile),
                false,
                umask == null || umask.isBlank() ? null : CommandLine.parseUmask(UMASK, umask),
                null,
                null,
                blankToNull(properties.apply(NAME)),
                level == null || level.isBlank() ? null : CommandLine.parseLogLevel(LOG_LEVEL, level),
                blankToNull(properties.apply(LOG_FILE)),
                Boolean.parseBoolean(properties.apply(DEBUG)),
                false,
                Boolean.parseBoolean(properties.apply(REUSE_PORT)),
                properties.apply(ACCESS_LOG),
                number(properties, GRACEFUL_TIMEOUT, 0, Integer.MAX_VALUE),
                number(properties, TIMEOUT, 0, Integer.MAX_VALUE),
                workerClass == null || workerClass.isBlank() ? null : CommandLine.parseWorkerClass(WORKER_CLASS, workerClass),
                serverSettings,
                false,
                false);
    }

    /** {@code mode} as an octal string with a leading zero, e.g. {@code 0022}. */
    public static String octal(int mode) {
        return String.format(Locale.ROOT, "%04o", mode);
    }

    /** A file path made absolute; {@code -}, {@code log} and empty (the accesslog setting's keywords) as they are. */
    private static String accessLogPath(String value) {
        return value.isEmpty() || value.equals("-") || value.equals("log") ? value
                : Path.of(value).toAbsolutePath().toString();
    }

    private static Integer number(Function<String, String> properties, String key, int min, int max)
            throws UsageException {
        String value = properties.apply(key);
        return value == null || value.isBlank() ? null : CommandLine.parseNumber(key, value.trim(), min, max);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}

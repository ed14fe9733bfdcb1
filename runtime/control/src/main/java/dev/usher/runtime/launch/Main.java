package dev.usher.runtime.launch;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.osgi.framework.BundleException;

import dev.usher.runtime.options.CommandLine;
import dev.usher.runtime.options.ConfigCheck;
import dev.usher.runtime.options.DaemonStatus;
import dev.usher.runtime.options.EtcFiles;
import dev.usher.runtime.options.Help;
import dev.usher.runtime.options.Options;
import dev.usher.runtime.options.PidFile;
import dev.usher.runtime.options.SettingsFile;
import dev.usher.runtime.options.UsageException;

/**
 * The executable jar's main class: {@code java -jar usher.jar [OPTIONS] [SETTINGS_PATH]}.
 *
 * <p>It parses the command line ({@link CommandLine}), answers {@code --help}, {@code --version}
 * and {@code --check-config}, checks what must hold before anything starts (the settings,
 * {@code -u}/{@code -g}, the pid file), detaches with {@code -D} ({@link Daemon}), and otherwise
 * sets the options as framework properties ({@link Options#toProperties()}), opens the log file,
 * installs the process's signal handlers ({@link ProcessSignals}) and starts Felix with the bundles
 * the jar embeds ({@link FrameworkLauncher}); once Usher serves, it registers the process's MBean
 * ({@link UsherProcess}) and waits for the framework to stop. Inside the framework the control
 * bundle turns the options into Config Admin configuration.
 *
 * <p>A cold start is mostly class loading and first runs of code, so what does not depend on each
 * other runs side by side: the framework is built ({@link PreparedFramework}) while the main
 * thread checks the settings and then sets up the JDK's XML parser and the like ({@link Warmup}),
 * and the bundles' classes are loaded ahead of the start-level thread ({@link BundlePreloader}).
 * None of it starts a bundle before the checks passed.
 *
 * <p>Exit status: 0 after a graceful stop, 1 when the settings, the pid file, the user or group
 * or the start fail, 2 for a command line it cannot use (one line on standard error naming the
 * option), 130 after a stop at once (a second INT).
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        int status = run(args);
        System.out.flush();
        System.err.flush();
        System.exit(status);
    }

    /** Runs the command line; returns the exit status. */
    static int run(String[] args) {
        Options options;
        try {
            options = CommandLine.parse(args);
        } catch (UsageException e) {
            System.err.println("usher: error: " + e.getMessage());
            return 2;
        }
        if (options.help()) {
            System.out.print(Help.text());
            return 0;
        }
        if (options.version()) {
            System.out.println(Help.versionLine());
            return 0;
        }
        Path statusFile = daemonStatusFile();
        boolean detach = options.daemon() && statusFile == null;
        PreparedFramework framework = null;
        if (!options.checkConfig() && !detach) {
            // This process runs the framework: it is built meanwhile. The options are framework
            // properties, which override launcher.properties (felix.fileinstall.dir from SETTINGS_PATH).
            options.toProperties().forEach(System::setProperty);
            framework = PreparedFramework.start(Main.class.getClassLoader());
        }
        int status = check(options, statusFile);
        if (status >= 0) {
            if (framework != null) {
                framework.discard();
            }
            return status;
        }
        if (detach) {
            return Daemon.detach(options, args);
        }
        return launch(options, statusFile, framework);
    }

    /**
     * What must hold before anything starts: the settings (etc/, the settings file, the options),
     * the user and group, the pid file. Returns -1 when all hold, else the exit status (with
     * {@code --check-config}: its report's).
     */
    private static int check(Options options, Path statusFile) {
        SettingsFile settings = SettingsFile.EMPTY;
        ConfigCheck.Report report;
        try {
            if (options.config() != null) {
                settings = SettingsFile.read(options.config());
            }
            Map<String, EtcFiles.EtcFile> etc = EtcFiles.read(options.settingsDirectory().resolve("etc"),
                    System::getProperty);
            report = ConfigCheck.check(options, settings, etc);
        } catch (IOException | SettingsFile.SyntaxException e) {
            return fail(statusFile, e.getMessage());
        }
        if (options.checkConfig()) {
            report.lines().forEach(System.out::println);
            report.errors().forEach(error -> System.err.println("error: " + error));
            return report.ok() ? 0 : 1;
        }
        if (!report.ok()) {
            report.errors().forEach(error -> System.err.println("usher: error: " + error));
            return fail(statusFile, String.join("; ", report.errors()));
        }
        report.startWarnings().forEach(line -> System.err.println("usher: " + line));
        String refusal = RunAs.refusal(options.user(), options.group());
        if (refusal == null && options.pidFile() != null) {
            refusal = PidFile.refusal(options.pidFile());
        }
        return refusal == null ? -1 : fail(statusFile, refusal);
    }

    private static int launch(Options options, Path statusFile, PreparedFramework prepared) {
        ConsoleLine.name(options.name());
        LogFile logFile = null;
        if (options.logFile() != null && !options.logFile().equals("-")) {
            try {
                logFile = LogFile.open(Path.of(options.logFile()), options.umask());
            } catch (IOException e) {
                prepared.discard();
                return fail(statusFile, "option --log-file: cannot open " + options.logFile() + ": " + e.getMessage());
            }
        }
        ProcessSignals.install(options.pidFile(), logFile);
        createWatchedDirectories(options.settingsDirectory());
        if (options.name() != null) {
            Thread.currentThread().setName(options.name() + "-main");
        }
        Warmup.run();
        PreparedFramework.Prepared framework;
        try {
            framework = prepared.await();
            framework.framework().start(); // returns once every start level is up: Usher serves
        } catch (BundleException | IOException | RuntimeException e) {
            e.printStackTrace();
            return fail(statusFile, "the framework did not start: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
        // Later: the platform MBean server costs a cold JVM about a quarter of a second of CPU,
        // which no request needs, and the first requests, as cold, need both cores now.
        UsherProcess.registerSoon(options);
        AbandonedStorage.sweep(framework.storage());
        try {
            return FrameworkLauncher.awaitStop(framework.framework(), framework.launch().timeoutMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    /**
     * Creates the directories FileInstall watches, {@code etc/} (configurations) and
     * {@code deploy/} (bundles), when missing, and says in one line where they are: FileInstall
     * itself warns four times on a first start in an empty directory. If they cannot be created,
     * it says so, and FileInstall watches them once they exist.
     */
    private static void createWatchedDirectories(Path home) {
        Path etc = home.toAbsolutePath().resolve("etc");
        Path deploy = home.toAbsolutePath().resolve("deploy");
        try {
            Files.createDirectories(etc);
            Files.createDirectories(deploy);
            ConsoleLine.info("Watching " + etc + " for configurations and " + deploy + " for bundles");
        } catch (IOException e) {
            ConsoleLine.warn("Cannot create " + etc + " and " + deploy + ": " + e + "; they are watched once they exist");
        }
    }

    /** Prints {@code usher: error: message}, reports it to a waiting launcher ({@code -D}), and returns 1. */
    private static int fail(Path statusFile, String message) {
        PrintStream err = System.err;
        err.println("usher: error: " + message);
        if (statusFile != null) {
            try {
                DaemonStatus.failed(statusFile, message);
            } catch (IOException e) {
                err.println("usher: error: cannot report to the launcher: " + e.getMessage());
            }
        }
        return 1;
    }

    /** The status file when this process is the daemon of a {@code -D} launcher, else null. */
    private static Path daemonStatusFile() {
        String status = System.getProperty(Options.DAEMON_STATUS);
        return status == null || status.isBlank() ? null : Path.of(status);
    }
}

package dev.usher.runtime.options;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The text of {@code --help} and {@code --version}. */
public final class Help {

    private static final int COLUMN = 32;

    private Help() {
    }

    /** gunicorn's layout: usage, then every option on one line with its default in brackets. */
    public static String text() {
        StringBuilder text = new StringBuilder(4096);
        text.append("usage: java -jar usher.jar [OPTIONS] [SETTINGS_PATH]\n\n");
        text.append("Runs Usher, an HTTP/1.1 server: Felix with SCR, Config Admin, FileInstall and the Usher bundles.\n");
        text.append("Options become Config Admin configuration (PID dev.usher.server, factory dev.usher.server~NAME).\n\n");
        text.append("positional arguments:\n");
        line(text, "SETTINGS_PATH", "directory holding etc/ (configuration files) and deploy/ (bundles)",
                "working directory");
        text.append("\noptions:\n");
        for (CommandLine.Spec spec : CommandLine.SPECS) {
            String names = (spec.shortName() == null ? "    " : spec.shortName() + ", ") + spec.longName()
                    + (spec.metavar() == null ? "" : " " + spec.metavar());
            line(text, names, spec.help(), spec.defaultValue());
        }
        text.append("\nsignals:\n");
        line(text, "TERM, INT", "graceful stop (requests in flight finish); a second INT stops at once", null);
        line(text, "HUP", "re-read the settings file and etc/, apply them live", null);
        line(text, "TTIN, TTOU", "one more, one fewer I/O worker in every server", null);
        line(text, "USR1", "reopen the log file", null);
        return text.toString();
    }

    /** {@code usher VERSION}. */
    public static String versionLine() {
        return "usher " + version();
    }

    /** Usher's version, from the build. */
    public static String version() {
        Properties properties = new Properties();
        try (InputStream in = Help.class.getResourceAsStream("/dev/usher/runtime/launch/version.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            // unknown below
        }
        return properties.getProperty("version", "unknown");
    }

    private static void line(StringBuilder text, String names, String help, String defaultValue) {
        text.append("  ").append(names);
        int used = 2 + names.length();
        if (used >= COLUMN) {
            text.append(' ');
        } else {
            text.append(" ".repeat(COLUMN - used));
        }
        text.append(help);
        if (defaultValue != null) {
            text.append(" [").append(defaultValue).append(']');
        }
        text.append('\n');
    }
}

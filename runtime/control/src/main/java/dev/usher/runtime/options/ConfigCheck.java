package dev.usher.runtime.options;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import dev.usher.config.Adjustments;
import dev.usher.config.InvalidSettingException;

/**
 * Checks what each server would run with -- {@code etc/} files, the settings file and the
 * command line, layered as {@link ServerLayers} does -- with the config bundle's own
 * {@link Adjustments#parse}: what {@code --check-config} prints, and what the launcher checks
 * before it starts anything.
 */
public final class ConfigCheck {

    private ConfigCheck() {
    }

    /**
     * The outcome.
     *
     * @param lines one line per server ({@code server NAME: ok: ...}), and warnings
     * @param errors one line per unusable setting ({@code server NAME: key=value: reason (from ...)})
     * @param startWarnings the warnings a start prints: those of {@code lines} that nothing else
     *     reports. Unknown settings are not among them: the config bundle warns of each as the
     *     configuration applies, and one warning is enough.
     */
    public record Report(List<String> lines, List<String> errors, List<String> startWarnings) {

        /** Makes the lists immutable. */
        public Report {
            lines = List.copyOf(lines);
            errors = List.copyOf(errors);
            startWarnings = List.copyOf(startWarnings);
        }

        /** Whether every server's settings are usable. */
        public boolean ok() {
            return errors.isEmpty();
        }
    }

    /**
     * Checks every server: the default server, each {@code etc/} file's and each the settings file
     * or {@code -b} names.
     */
    public static Report check(Options options, SettingsFile settings, Map<String, EtcFiles.EtcFile> etc) {
        ServerLayers layers = new ServerLayers(options, settings);
        List<String> lines = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        List<String> startWarnings = new ArrayList<>();
        settings.warnings().forEach(warning -> lines.add("warning: " + warning));
        settings.warnings().forEach(warning -> startWarnings.add("warning: " + warning));
        Set<String> pids = new LinkedHashSet<>();
        pids.add(ServerLayers.PID);
        pids.addAll(etc.keySet());
        pids.addAll(layers.pids());
        for (String pid : pids) {
            String server = "server " + ServerLayers.serverName(pid);
            EtcFiles.EtcFile file = etc.get(pid);
            String stored = file == null ? null : file.path().toString();
            Map<String, Object> effective = layers.effective(pid, file == null ? Map.of() : file.settings(), null);
            for (String unknown : Adjustments.unknownProperties(effective)) {
                lines.add("warning: " + server + ": unknown setting " + unknown + " is ignored (from "
                        + layers.source(pid, unknown, stored) + ")");
            }
            List<InvalidSettingException> problems = Adjustments.problems(effective);
            for (InvalidSettingException e : problems) {
                String source = layers.source(pid, e.property(), stored);
                errors.add(server + ": " + e.getMessage() + (source == null ? "" : " (from " + source + ")"));
            }
            if (problems.isEmpty()) {
                try {
                    lines.add(server + ": ok: " + describe(Adjustments.parse(effective)));
                } catch (InvalidSettingException e) {
                    throw new AssertionError("problems() found none", e);
                }
            }
        }
        return new Report(lines, errors, startWarnings);
    }

    /** Where a server listens and with how many threads and workers. */
    static String describe(Adjustments adjustments) {
        String where = adjustments.listen().isEmpty() ? "unix:" + adjustments.unixSocket()
                : adjustments.listen().stream().map(address -> "http://" + address).collect(Collectors.joining(" "));
        return where + ", " + adjustments.threads() + " threads, " + adjustments.workers() + " workers"
                + (adjustments.accessLog().isEmpty() ? "" : ", access log " + adjustments.accessLog());
    }
}

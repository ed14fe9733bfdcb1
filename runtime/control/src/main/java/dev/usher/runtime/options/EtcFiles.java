package dev.usher.runtime.options;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the server configurations in {@code etc/} as FileInstall does: {@code dev.usher.server.cfg}
 * is PID {@code dev.usher.server}, {@code dev.usher.server-NAME.cfg} the factory configuration
 * {@code dev.usher.server~NAME} (what follows the first {@code -}). A {@code .cfg} file is a
 * properties file (ISO-8859-1, as FileInstall reads it); {@code ${name}} is replaced with the
 * framework or system property {@code name} where one is set. {@code .config} files (Felix's typed
 * format) are left to FileInstall.
 */
public final class EtcFiles {

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([^}]+)}");

    private EtcFiles() {
    }

    /** One file's settings, with the file. */
    public record EtcFile(Path path, Map<String, String> settings) {
    }

    /**
     * The server configurations in {@code directory}, by PID: the default server's first, then in
     * file name order; empty if the directory does not exist.
     *
     * @param properties framework or system properties, for {@code ${name}}
     * @throws IOException naming the file that could not be read
     */
    public static Map<String, EtcFile> read(Path directory, Function<String, String> properties) throws IOException {
        Map<String, EtcFile> files = new LinkedHashMap<>();
        if (!Files.isDirectory(directory)) {
            return files;
        }
        Map<String, Path> byName = new TreeMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory, ServerLayers.PID + "*.cfg")) {
            entries.forEach(entry -> byName.put(entry.getFileName().toString(), entry));
        }
        for (Path file : byName.values()) {
            String pid = pid(file.getFileName().toString());
            if (pid == null || !Files.isRegularFile(file)) {
                continue;
            }
            Properties loaded = new Properties();
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
                loaded.load(in);
            } catch (IOException | IllegalArgumentException e) {
                throw new IOException(file + ": " + e.getMessage(), e);
            }
            Map<String, String> settings = new LinkedHashMap<>();
            for (String key : new TreeMap<>(loaded).keySet().stream().map(String::valueOf).toList()) {
                settings.put(key, substitute(loaded.getProperty(key).trim(), properties));
            }
            files.put(pid, new EtcFile(file, settings));
        }
        EtcFile defaultServer = files.remove(ServerLayers.PID);
        if (defaultServer != null) {
            Map<String, EtcFile> ordered = new LinkedHashMap<>();
            ordered.put(ServerLayers.PID, defaultServer);
            ordered.putAll(files);
            return ordered;
        }
        return files;
    }

    /** The PID of a file in {@code etc/}, or null if it is not a server configuration. */
    static String pid(String fileName) {
        if (!fileName.endsWith(".cfg")) {
            return null;
        }
        String base = fileName.substring(0, fileName.length() - ".cfg".length());
        int dash = base.indexOf('-');
        String pid = dash < 0 ? base : base.substring(0, dash);
        if (!pid.equals(ServerLayers.PID)) {
            return null;
        }
        return dash < 0 ? ServerLayers.PID : dash + 1 < base.length() ? ServerLayers.PID + "~" + base.substring(dash + 1) : null;
    }

    private static String substitute(String value, Function<String, String> properties) {
        Matcher matcher = VARIABLE.matcher(value);
        StringBuilder result = new StringBuilder();
        while (matcher.find()) {
            String replacement = properties.apply(matcher.group(1));
            matcher.appendReplacement(result, Matcher.quoteReplacement(replacement == null ? matcher.group() : replacement));
        }
        return matcher.appendTail(result).toString();
    }
}

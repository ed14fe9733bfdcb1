package dev.usher.runtime.options;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The settings file of {@code -c}: INI sections as in a paste deployment file.
 *
 * <pre>
 * # the default server (Config Admin PID dev.usher.server)
 * [server:main]
 * listen = 127.0.0.1:8080 [::1]:8080
 * threads = 8
 *
 * # a named server (factory configuration dev.usher.server~admin)
 * [server:admin]
 * unix_socket = /run/usher/admin.sock
 * unix_socket_perms = 660
 * </pre>
 *
 * <ul>
 * <li>{@code [server:main]}, {@code [server:default]} and {@code [server]} configure the default
 * server, {@code [server:NAME]} the named server NAME (letters, digits, {@code . _ -}); settings
 * before the first section belong to the default server.
 * <li>{@code key = value} or {@code key: value}; keys are waitress's setting names (see
 * {@code Adjustments}); the value is the rest of the line, trimmed, and may be empty.
 * <li>A line that starts with white space continues the previous value (joined with a space),
 * e.g. one {@code listen} address per line.
 * <li>Lines starting with {@code #} or {@code ;} are comments; blank lines are ignored.
 * <li>Other sections ({@code [app:main]}, ...) are ignored with a warning, so a paste file can be
 * used as it is; so is paste's {@code use} key.
 * </ul>
 *
 * A key given twice for one server, two sections for one server and a line that is none of the
 * above are errors, reported with the file name and line number.
 *
 * @param source the file's name, for messages
 * @param servers each server's settings (keys in file order), by server name; the default server
 *     is {@value ServerLayers#DEFAULT}
 * @param warnings what was ignored
 */
public record SettingsFile(String source, Map<String, Map<String, String>> servers, List<String> warnings) {

    private static final Pattern SERVER_NAME = Pattern.compile("[A-Za-z0-9._-]+");
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_.-]+");

    /** An empty settings file. */
    public static final SettingsFile EMPTY = new SettingsFile("no settings file", Map.of(), List.of());

    /** Makes the maps immutable. */
    public SettingsFile {
        Map<String, Map<String, String>> copy = new LinkedHashMap<>();
        servers.forEach((name, settings) -> copy.put(name, Collections.unmodifiableMap(new LinkedHashMap<>(settings))));
        servers = Collections.unmodifiableMap(copy);
        warnings = List.copyOf(warnings);
    }

    /** A syntax error, with file and line. */
    public static final class SyntaxException extends Exception {
        private static final long serialVersionUID = 1L;

        SyntaxException(String source, int line, String message) {
            super(source + ":" + line + ": " + message);
        }
    }

    /**
     * Reads and parses a settings file (UTF-8).
     *
     * @throws IOException if it cannot be read
     * @throws SyntaxException naming the file and line of the first error
     */
    public static SettingsFile read(Path file) throws IOException, SyntaxException {
        return parse(file.toString(), Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    /**
     * Parses the lines of a settings file.
     *
     * @param source the file's name, for messages
     * @throws SyntaxException naming the source and line of the first error
     */
    public static SettingsFile parse(String source, List<String> lines) throws SyntaxException {
        Map<String, Map<String, String>> servers = new LinkedHashMap<>();
        List<String> warnings = new ArrayList<>();
        Map<String, String> section = null; // null before the first section: the default server's, created on use
        boolean ignoredSection = false;
        String lastKey = null;
        Set<String> headers = new HashSet<>();
        for (int number = 1; number <= lines.size(); number++) {
            String line = lines.get(number - 1);
            if (number == 1 && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.startsWith(";")) {
                continue;
            }
            if (Character.isWhitespace(line.charAt(0)) && lastKey != null) {
                if (!ignoredSection) {
                    Map<String, String> target = section != null ? section : servers.get(ServerLayers.DEFAULT);
                    String previous = target.get(lastKey);
                    target.put(lastKey, previous.isEmpty() ? trimmed : previous + " " + trimmed);
                }
                continue;
            }
            if (trimmed.startsWith("[")) {
                if (!trimmed.endsWith("]")) {
                    throw new SyntaxException(source, number, "a section header must end with ]: " + trimmed);
                }
                String header = trimmed.substring(1, trimmed.length() - 1).strip();
                lastKey = null;
                String server = serverName(header);
                if (server == null) {
                    if (header.startsWith("server:")) {
                        throw new SyntaxException(source, number, "not a server name: [" + header
                                + "] (letters, digits, '.', '_' and '-')");
                    }
                    warnings.add(source + ":" + number + ": section [" + header + "] ignored: only [server:NAME] "
                            + "sections hold Usher settings");
                    ignoredSection = true;
                    section = null;
                    continue;
                }
                if (!headers.add(server)) {
                    throw new SyntaxException(source, number, "server " + server + " has a second section");
                }
                ignoredSection = false;
                section = servers.computeIfAbsent(server, name -> new LinkedHashMap<>());
                continue;
            }
            int equals = trimmed.indexOf('=');
            int colon = trimmed.indexOf(':');
            int at = equals < 0 ? colon : colon < 0 ? equals : Math.min(equals, colon);
            if (at <= 0) {
                throw new SyntaxException(source, number, "expected key = value or a [section], got: " + trimmed);
            }
            String key = trimmed.substring(0, at).strip();
            String value = trimmed.substring(at + 1).strip();
            if (!KEY.matcher(key).matches()) {
                throw new SyntaxException(source, number, "not a setting name: '" + key + "'");
            }
            if (ignoredSection) {
                lastKey = key;
                continue;
            }
            if (key.equals("use")) {
                lastKey = null; // paste's "use = egg:..." names the server implementation: this one
                continue;
            }
            Map<String, String> target = section != null ? section
                    : servers.computeIfAbsent(ServerLayers.DEFAULT, name -> new LinkedHashMap<>());
            if (target.containsKey(key)) {
                throw new SyntaxException(source, number, key + " is set twice");
            }
            target.put(key, value);
            lastKey = key;
        }
        return new SettingsFile(source, servers, warnings);
    }

    /** The settings of one server (by name), empty if the file has none. */
    public Map<String, String> server(String name) {
        return servers.getOrDefault(name, Map.of());
    }

    /** The server a section header names, or null if it names none. */
    static String serverName(String header) {
        if (header.equals("server")) {
            return ServerLayers.DEFAULT;
        }
        if (!header.startsWith("server:")) {
            return null;
        }
        String name = header.substring("server:".length()).strip();
        if (name.equals("main") || name.equals(ServerLayers.DEFAULT)) {
            return ServerLayers.DEFAULT;
        }
        return SERVER_NAME.matcher(name).matches() ? name : null;
    }

}

package dev.usher.runtime.launch;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.osgi.framework.Constants;

/**
 * What bnd's export wrote into {@code usher.jar}'s {@value #RESOURCE}: the bundles ({@code jar/*.jar}
 * entries, in the bndrun's order), their start levels, the framework properties (the bndrun's
 * {@code -runproperties}) and the extra system packages. {@link FrameworkLauncher} starts Felix
 * with them.
 *
 * <p>As with bnd's own launcher, a system property ({@code java -Dname=value}) overrides the
 * property of the same name.
 */
final class LaunchProperties {

    /** The resource bnd's export writes. */
    static final String RESOURCE = "launcher.properties";

    /** Prefix of the properties that describe the launch rather than the framework. */
    private static final String LAUNCH_PREFIX = "launch.";

    private final Map<String, String> properties;

    LaunchProperties(Map<String, String> properties) {
        this.properties = properties;
    }

    /** Reads {@value #RESOURCE} from {@code loader}; null when there is none (not the exported jar). */
    static LaunchProperties load(ClassLoader loader) throws IOException {
        try (InputStream in = loader.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return null;
            }
            Properties read = new Properties();
            try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                read.load(reader);
            }
            Map<String, String> effective = new LinkedHashMap<>();
            for (String key : read.stringPropertyNames()) {
                effective.put(key, System.getProperty(key, read.getProperty(key)));
            }
            return new LaunchProperties(effective);
        }
    }

    /** The framework properties: everything but {@code launch.*}. */
    Map<String, String> frameworkProperties() {
        Map<String, String> framework = new HashMap<>();
        properties.forEach((key, value) -> {
            if (!key.startsWith(LAUNCH_PREFIX)) {
                framework.put(key, value);
            }
        });
        return framework;
    }

    /** The bundles' resource paths in the jar, in start order. */
    List<String> bundles() {
        List<String> bundles = new ArrayList<>();
        for (String path : get("launch.bundles", "").split(",")) {
            if (!path.isBlank()) {
                bundles.add(path.strip());
            }
        }
        return bundles;
    }

    /**
     * The start level of each bundle, by {@code bsn;version} ({@link #key}), from
     * {@code launch.runbundles.attrs} ({@code bsn;version="1.0";startlevel=2,...}).
     */
    Map<String, Integer> startLevels() {
        Map<String, Integer> levels = new HashMap<>();
        for (String clause : split(get("launch.runbundles.attrs", ""), ',')) {
            List<String> parts = split(clause, ';');
            if (parts.isEmpty() || parts.get(0).isBlank()) {
                continue;
            }
            String version = null;
            Integer level = null;
            for (String attribute : parts.subList(1, parts.size())) {
                int equals = attribute.indexOf('=');
                if (equals < 0) {
                    continue;
                }
                String name = attribute.substring(0, equals).strip();
                String value = unquote(attribute.substring(equals + 1).strip());
                if (name.equals("version")) {
                    version = value;
                } else if (name.equals("startlevel")) {
                    level = toInt(value, null);
                }
            }
            if (level != null && level > 0) {
                levels.put(key(parts.get(0).strip(), version), level);
            }
        }
        return levels;
    }

    /** The key of {@link #startLevels()}: symbolic name and version. */
    static String key(String symbolicName, Object version) {
        return symbolicName + ";" + version;
    }

    /** Start level of bundles the bndrun gives none, and of bundles installed later ({@code deploy/}). */
    int defaultStartLevel() {
        return toInt(get("launch.startlevel.default", null), 1);
    }

    /** The start level the framework rises to. */
    int beginningStartLevel() {
        return toInt(get(Constants.FRAMEWORK_BEGINNING_STARTLEVEL, null), 1);
    }

    /** Packages the system bundle exports on top of the framework's and the JDK's; null for none. */
    String systemPackagesExtra() {
        String packages = get("launch.system.packages", null);
        return packages == null || packages.isBlank() ? null : packages;
    }

    /** {@code launch.timeout}: milliseconds after which the process stops by itself; 0 for never. */
    long timeoutMillis() {
        return Math.max(0, toInt(get("launch.timeout", null), 0));
    }

    private String get(String key, String fallback) {
        return properties.getOrDefault(key, fallback);
    }

    private static Integer toInt(String value, Integer fallback) {
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.valueOf(value.strip());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /** Splits at {@code separator} outside double quotes. */
    static List<String> split(String text, char separator) {
        List<String> parts = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == separator && !quoted) {
                parts.add(part.toString());
                part.setLength(0);
                continue;
            }
            part.append(c);
        }
        parts.add(part.toString());
        return parts;
    }

    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                ? value.substring(1, value.length() - 1) : value;
    }
}

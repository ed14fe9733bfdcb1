package dev.usher.soak;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Options given as {@code key=value} arguments or as system properties {@code PREFIX.key}
 * ({@code duration=PT1H} or {@code -Dsoak.duration=PT1H}); an argument wins. Arguments without
 * {@code =} are kept in order as positional ones. Durations are ISO-8601 ({@code PT3M}).
 */
final class Arguments {

    private final String prefix;
    private final Map<String, String> named = new HashMap<>();
    private final List<String> positional = new ArrayList<>();

    Arguments(String prefix, String... args) {
        this.prefix = prefix;
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq > 0) {
                named.put(arg.substring(0, eq), arg.substring(eq + 1));
            } else {
                positional.add(arg);
            }
        }
    }

    String string(String key, String otherwise) {
        String value = named.get(key);
        if (value == null) {
            value = System.getProperty(prefix + "." + key);
        }
        return value == null || value.isBlank() ? otherwise : value.trim();
    }

    Duration duration(String key, Duration otherwise) {
        String value = string(key, null);
        return value == null ? otherwise : Duration.parse(value);
    }

    int integer(String key, int otherwise) {
        String value = string(key, null);
        return value == null ? otherwise : Integer.parseInt(value);
    }

    /** The usher.jar to start: {@code jar=...}, else {@code -Dusher.jar}, else {@code runtime/target/usher.jar}. */
    Path jar() {
        String value = named.getOrDefault("jar", System.getProperty("usher.jar", "runtime/target/usher.jar"));
        return Path.of(value).toAbsolutePath().normalize();
    }

    List<String> positional() {
        return positional;
    }
}

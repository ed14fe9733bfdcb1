package dev.usher.dispatcher;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable snapshot of the mounted applications. Changes build a new snapshot; requests
 * read whichever snapshot is current without a lock.
 */
final class Mounts {

    /** A resolved route: the application, the prefix it was reached through and the rest. */
    record Route(MountPoint mount, String scriptName, String pathInfo) {
    }

    static final Mounts EMPTY = new Mounts(List.of());

    /** Per prefix, the mount points there, best first. */
    private final Map<String, List<MountPoint>> byPrefix;

    Mounts(Collection<MountPoint> mounts) {
        Map<String, List<MountPoint>> map = new HashMap<>();
        for (MountPoint m : mounts) {
            map.computeIfAbsent(m.prefix(), k -> new ArrayList<>()).add(m);
        }
        for (List<MountPoint> list : map.values()) {
            list.sort((a, b) -> a.outranks(b) ? -1 : b.outranks(a) ? 1 : 0);
        }
        this.byPrefix = Map.copyOf(map);
    }

    /** The mount points serving on {@code server}, by prefix, best first at each. */
    List<MountPoint> on(String server) {
        return byPrefix.values().stream().flatMap(List::stream).filter(m -> m.servesOn(server))
                .sorted(Comparator.comparing(MountPoint::prefix)).toList();
    }

    /**
     * The route of a decoded {@code path} on {@code server}: the longest mount prefix matching
     * on a segment boundary, or null when nothing is mounted there.
     */
    Route resolve(String server, String path) {
        int end = path.length();
        while (true) {
            String prefix = path.substring(0, end);
            List<MountPoint> candidates = byPrefix.get(prefix);
            if (candidates != null) {
                for (MountPoint m : candidates) {
                    if (m.servesOn(server)) {
                        return new Route(m, prefix, path.substring(end));
                    }
                }
            }
            if (end == 0) {
                return null;
            }
            end = path.lastIndexOf('/', end - 1);
            if (end < 0) {
                end = 0;
            }
        }
    }

    /**
     * The normal form of a mount prefix ({@code /api/} becomes {@code /api}, {@code /} becomes
     * the empty catch-all), or null when the prefix is invalid: it must start with {@code /}
     * and hold no empty, {@code .} or {@code ..} segment.
     */
    static String normalise(String prefix) {
        if (prefix == null || !prefix.startsWith("/")) {
            return null;
        }
        String trimmed = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        if (trimmed.isEmpty()) {
            return "";
        }
        for (String segment : trimmed.substring(1).split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return null;
            }
        }
        return trimmed;
    }
}

package dev.usher.dispatcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.usher.api.HttpApplication;

class MountsTest {

    private static final HttpApplication A = (q, r) -> { };
    private static final HttpApplication B = (q, r) -> { };
    private static final HttpApplication C = (q, r) -> { };

    private static MountPoint at(String prefix, HttpApplication app, int ranking, long id, String... servers) {
        return new MountPoint(Mounts.normalise(prefix), app, ranking, id, Set.of(servers), false, false);
    }

    @Test
    void longestPrefixWinsOnSegmentBoundaries() {
        Mounts mounts = new Mounts(List.of(at("/", A, 0, 1), at("/api", B, 0, 2), at("/api/v2/", C, 0, 3)));
        assertRoute(mounts, "/api", B, "/api", "");
        assertRoute(mounts, "/api/", B, "/api", "/");
        assertRoute(mounts, "/api/x/y", B, "/api", "/x/y");
        assertRoute(mounts, "/apix", A, "", "/apix");
        assertRoute(mounts, "/api/v2", C, "/api/v2", "");
        assertRoute(mounts, "/api/v2x", B, "/api", "/v2x");
        assertRoute(mounts, "/", A, "", "/");
        assertRoute(mounts, "*", A, "", "*");
    }

    @Test
    void nothingMatchesWithoutACatchAll() {
        Mounts mounts = new Mounts(List.of(at("/api", B, 0, 2)));
        assertNull(mounts.resolve("s", "/"));
        assertNull(mounts.resolve("s", "/ap"));
        assertNull(Mounts.EMPTY.resolve("s", "/api"));
    }

    @Test
    void equalPrefixesGoByRankingThenLowestServiceId() {
        assertSame(B, new Mounts(List.of(at("/x", A, 0, 1), at("/x", B, 5, 2))).resolve("s", "/x").mount().application());
        assertSame(A, new Mounts(List.of(at("/x", B, 0, 9), at("/x", A, 0, 3))).resolve("s", "/x").mount().application());
    }

    @Test
    void serverSelectionSkipsMountsForOtherServers() {
        Mounts mounts = new Mounts(List.of(at("/x", A, 9, 1, "admin"), at("/x", B, 0, 2)));
        assertSame(A, mounts.resolve("admin", "/x").mount().application());
        assertSame(B, mounts.resolve("public", "/x").mount().application());
    }

    @Test
    void invalidPrefixesAreRefused() {
        assertNull(Mounts.normalise("api"));
        assertNull(Mounts.normalise(""));
        assertNull(Mounts.normalise("/a/../b"));
        assertNull(Mounts.normalise("/a//b"));
        assertNull(Mounts.normalise("/./a"));
        assertEquals("", Mounts.normalise("/"));
        assertEquals("/a/b", Mounts.normalise("/a/b/"));
    }

    private static void assertRoute(Mounts mounts, String path, HttpApplication app, String script, String info) {
        Mounts.Route route = mounts.resolve("s", path);
        assertSame(app, route.mount().application(), path);
        assertEquals(script, route.scriptName(), path);
        assertEquals(info, route.pathInfo(), path);
    }
}

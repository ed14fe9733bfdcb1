package dev.usher.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Request mapping as the Jakarta Servlet specification (6.0, 12.1 and 12.2) says, with its own
 * example set (12.2.2: {@code /foo/bar/*}, {@code /baz/*}, {@code /catalog}, {@code *.bop}) and
 * the servlet path and path info each match gives.
 */
class ServletMappingsTest {

    private static ServletMappings<String> mappings(String... patternsAndNames) {
        List<ServletMappings.Entry<String>> entries = new ArrayList<>();
        for (int i = 0; i < patternsAndNames.length; i += 2) {
            entries.add(new ServletMappings.Entry<>(ServletPattern.of(patternsAndNames[i]), patternsAndNames[i + 1]));
        }
        return new ServletMappings<>(entries);
    }

    private static String resolve(ServletMappings<String> mappings, String path) {
        ServletMappings.Resolved<String> resolved = mappings.resolve(path);
        return resolved == null ? null
                : resolved.target() + " " + resolved.match().servletPath() + " " + resolved.match().pathInfo();
    }

    @Test
    void theSpecificationsExampleSet() {
        ServletMappings<String> set = mappings("/foo/bar/*", "servlet1", "/baz/*", "servlet2", "/catalog",
                "servlet3", "*.bop", "servlet4");
        assertEquals("servlet1 /foo/bar /index.html", resolve(set, "/foo/bar/index.html"));
        assertEquals("servlet1 /foo/bar /index.bop", resolve(set, "/foo/bar/index.bop"), "a prefix before an extension");
        assertEquals("servlet2 /baz null", resolve(set, "/baz"));
        assertEquals("servlet2 /baz /index.html", resolve(set, "/baz/index.html"));
        assertEquals("servlet3 /catalog null", resolve(set, "/catalog"));
        assertNull(resolve(set, "/catalog/index.html"), "an exact pattern is not a prefix; no default servlet");
        assertEquals("servlet4 /catalog/racecar.bop null", resolve(set, "/catalog/racecar.bop"));
        assertEquals("servlet4 /index.bop null", resolve(set, "/index.bop"));
        assertNull(resolve(set, "/foo/barx"), "a prefix matches on a segment boundary");
        assertNull(resolve(set, "/a.bop/x"), "the extension of the last segment only");
    }

    @Test
    void exactBeforeTheLongestPrefixBeforeExtensionBeforeDefault() {
        ServletMappings<String> set = mappings("/", "default", "/*", "all", "/a/*", "a", "/a/b/*", "ab", "/a/b/c.jsp",
                "exact", "*.jsp", "jsp");
        assertEquals("exact /a/b/c.jsp null", resolve(set, "/a/b/c.jsp"));
        assertEquals("ab /a/b /d.jsp", resolve(set, "/a/b/d.jsp"));
        assertEquals("a /a /x/y", resolve(set, "/a/x/y"));
        assertEquals("all  /x.jsp", resolve(set, "/x.jsp"), "/* is a prefix, before the extension");
        assertEquals("all  /", resolve(set, "/"));
        assertEquals("jsp /x.jsp null", resolve(mappings("/", "default", "*.jsp", "jsp"), "/x.jsp"));
        assertEquals("default /x/y null", resolve(mappings("/", "default", "*.jsp", "jsp"), "/x/y"));
    }

    @Test
    void theEmptyPatternIsTheContextRootAlone() {
        ServletMappings<String> set = mappings("", "root", "/", "default");
        assertEquals("root  /", resolve(set, "/"));
        assertEquals("default /index.html null", resolve(set, "/index.html"));
    }

    @Test
    void theBestRankedOfTwoEqualPatternsWinsAndTheOtherIsShadowed() {
        ServletMappings<String> set = mappings("/x/*", "first", "/x/*", "second", "*.a", "first", "*.a", "second",
                "/", "first", "/", "second", "", "first", "", "second", "/e", "first", "/e", "second");
        for (String path : List.of("/x/1", "/y.a", "/z", "/", "/e")) {
            assertTrue(resolve(set, path).startsWith("first "), path);
        }
    }

    @Test
    void patternsOfNoKindAreRefused() {
        for (String bad : List.of("foo", "*.", "*.a/b", "*.tar.gz", "/a/*/b/*", "*", "x/*")) {
            assertThrows(IllegalArgumentException.class, () -> ServletPattern.of(bad), bad);
        }
        assertEquals(new ServletPattern.Exact("/a*b"), ServletPattern.of("/a*b"), "a * inside is part of an exact path");
        assertEquals(new ServletPattern.PathPrefix("/*", ""), ServletPattern.of("/*"));
        assertEquals(new ServletPattern.Match("/x", "/y"), ServletPattern.of("/x/*").match("/x/y"));
        assertNull(ServletPattern.of("*.jsp").match("/a.jspx"));
        assertEquals(new ServletPattern.Match("", "/"), ServletPattern.of("").match("/"));
        assertNull(ServletPattern.of("").match("/a"));
    }
}

package dev.usher.runtime.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class LaunchPropertiesTest {

    /** As bnd's export writes them (after java.util.Properties unescaped them). */
    private static final LaunchProperties EXPORTED = new LaunchProperties(Map.of(
            "launch.bundles", "jar/a-1.0.jar, jar/b-2.0.jar,",
            "launch.runbundles.attrs",
            "org.example.a;version=\"1.0.0\";startlevel=1,org.example.b;version=\"2.0.0.20261205\";startlevel=4,"
                    + "org.example.c;version=\"3.0\"",
            "launch.startlevel.default", "5",
            "launch.system.packages", "sun.misc,org.osgi.framework;version=\"1.10\"",
            "launch.timeout", "0",
            "org.osgi.framework.startlevel.beginning", "6",
            "felix.fileinstall.dir", "etc,deploy"));

    @Test
    void bundlesInOrder() {
        assertEquals(List.of("jar/a-1.0.jar", "jar/b-2.0.jar"), EXPORTED.bundles());
    }

    @Test
    void startLevelsBySymbolicNameAndVersion() {
        assertEquals(Map.of("org.example.a;1.0.0", 1, "org.example.b;2.0.0.20261205", 4), EXPORTED.startLevels());
        assertEquals(5, EXPORTED.defaultStartLevel());
        assertEquals(6, EXPORTED.beginningStartLevel());
    }

    @Test
    void frameworkPropertiesLeaveOutTheLaunchOnes() {
        assertEquals(Map.of("org.osgi.framework.startlevel.beginning", "6", "felix.fileinstall.dir", "etc,deploy"),
                EXPORTED.frameworkProperties());
        assertEquals("sun.misc,org.osgi.framework;version=\"1.10\"", EXPORTED.systemPackagesExtra());
        assertEquals(0, EXPORTED.timeoutMillis());
    }

    @Test
    void defaults() {
        LaunchProperties empty = new LaunchProperties(Map.of());
        assertEquals(List.of(), empty.bundles());
        assertEquals(Map.of(), empty.startLevels());
        assertEquals(1, empty.defaultStartLevel());
        assertEquals(1, empty.beginningStartLevel());
        assertNull(empty.systemPackagesExtra());
    }

    @Test
    void splitKeepsQuotedSeparators() {
        assertEquals(List.of("a;v=\"1,2\"", "b"), LaunchProperties.split("a;v=\"1,2\",b", ','));
    }
}

package dev.usher.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.usher.config.InvalidSettingException;
import dev.usher.status.StatusEndpoint.StatusSettings;

/** The status's configuration as the component reads it; a bad value names its property. */
class StatusSettingsTest {

    private static StatusConfiguration configuration(String mount, String[] servers, String[] allowIps) {
        return new StatusConfiguration() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return StatusConfiguration.class;
            }

            @Override
            public String mount() {
                return mount;
            }

            @Override
            public String[] server() {
                return servers;
            }

            @Override
            public String[] allow__ips() {
                return allowIps;
            }
        };
    }

    @Test
    void theDefaultsMountAtUsherForLoopbackClientsOnEveryServer() throws InvalidSettingException {
        StatusSettings settings = StatusSettings.read(configuration("/usher", new String[0],
                new String[] {"127.0.0.1", "::1"}));
        assertEquals("/usher", settings.mount());
        assertEquals(List.of(), settings.servers());
        assertTrue(settings.allowed().allows("127.0.0.1"));
        assertTrue(settings.allowed().allows("0:0:0:0:0:0:0:1"));
        assertFalse(settings.allowed().allows("10.0.0.1"));
    }

    @Test
    void listsMayBeOneCommaSeparatedValueAsAConfigurationFileGivesThem() throws InvalidSettingException {
        StatusSettings settings = StatusSettings.read(configuration("/ops/status/", new String[] {"default, admin"},
                new String[] {"10.0.0.0/8, 192.168.1.7"}));
        assertEquals("/ops/status", settings.mount());
        assertEquals(List.of("default", "admin"), settings.servers());
        assertTrue(settings.allowed().allows("10.20.30.40"));
        assertTrue(settings.allowed().allows("192.168.1.7"));
        assertFalse(settings.allowed().allows("127.0.0.1"));
    }

    @Test
    void aBadValueNamesItsProperty() {
        for (String mount : List.of("usher", "/a//b", "/a/../b", "/.")) {
            InvalidSettingException e = assertThrows(InvalidSettingException.class,
                    () -> StatusSettings.read(configuration(mount, new String[0], new String[] {"*"})), mount);
            assertEquals("mount", e.property());
        }
        InvalidSettingException e = assertThrows(InvalidSettingException.class, () -> StatusSettings.read(
                configuration("/usher", new String[0], new String[] {"127.0.0.1", "localhost"})));
        assertEquals("allow_ips", e.property());
        assertTrue(e.getMessage().contains("localhost"), e.getMessage());
    }
}

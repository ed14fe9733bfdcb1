package dev.usher.config.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.ObjectClassDefinition;

import dev.usher.config.Adjustments;
import dev.usher.config.InvalidSettingException;
import dev.usher.config.ServerSettings;

/**
 * The metatype made from the settings table documents exactly the properties {@link Adjustments}
 * reads, and a form filled with its defaults, typed as Config Admin hands them over or as the
 * strings a file holds, is the defaults.
 */
class ServerMetaTypeTest {

    private final ObjectClassDefinition definition =
            new ServerMetaType().getObjectClassDefinition(ServerSettings.PID, null);

    private Map<String, AttributeDefinition> attributes(int filter) {
        Map<String, AttributeDefinition> attributes = new LinkedHashMap<>();
        for (AttributeDefinition attribute : definition.getAttributeDefinitions(filter)) {
            attributes.put(attribute.getID(), attribute);
        }
        return attributes;
    }

    @Test
    void theDefinitionCoversExactlyTheProperties() {
        assertEquals(ServerSettings.PID, definition.getID());
        assertEquals(new TreeSet<>(Adjustments.PROPERTIES), new TreeSet<>(attributes(ObjectClassDefinition.ALL).keySet()));
        assertNull(new ServerMetaType().getObjectClassDefinition("some.other.pid", null));
    }

    @Test
    void attributesWithoutADefaultAreTheOptionalOnes() {
        // which a form leaves empty and parsing then takes as absent
        assertEquals(new TreeSet<>(Adjustments.OPTIONAL), new TreeSet<>(attributes(ObjectClassDefinition.OPTIONAL).keySet()));
        Set<String> withoutDefault = new TreeSet<>();
        attributes(ObjectClassDefinition.ALL).forEach((id, attribute) -> {
            if (attribute.getDefaultValue() == null) {
                withoutDefault.add(id);
            }
        });
        assertEquals(new TreeSet<>(Adjustments.OPTIONAL), withoutDefault);
        for (AttributeDefinition required : attributes(ObjectClassDefinition.REQUIRED).values()) {
            assertTrue(required.getDefaultValue().length > 0, required.getID());
        }
    }

    @Test
    void eachDefaultIsAdjustmentsDefault() throws InvalidSettingException {
        Adjustments defaults = Adjustments.defaults();
        Map<String, Object> typedForm = new HashMap<>();
        for (AttributeDefinition attribute : attributes(ObjectClassDefinition.ALL).values()) {
            String[] text = attribute.getDefaultValue();
            if (text == null) {
                continue;
            }
            Object typed = typed(attribute, text);
            typedForm.put(attribute.getID(), typed);
            // as Config Admin would hand it over: typed, and as the string a cfg file holds
            assertEquals(defaults, Adjustments.parse(Map.of(attribute.getID(), typed)), attribute.getID());
            assertEquals(defaults, Adjustments.parse(Map.of(attribute.getID(), String.join(" ", text))), attribute.getID());
            assertEquals("", attribute.validate(text[0]), attribute.getID());
        }
        assertEquals(defaults, Adjustments.parse(typedForm));
    }

    @Test
    void typesAreThoseConfigAdminHandsOver() {
        Map<String, AttributeDefinition> all = attributes(ObjectClassDefinition.ALL);
        assertEquals(AttributeDefinition.INTEGER, all.get("threads").getType());
        assertEquals(AttributeDefinition.LONG, all.get("max_request_body_size").getType());
        assertEquals(AttributeDefinition.BOOLEAN, all.get("ipv6").getType());
        assertEquals(AttributeDefinition.STRING, all.get("unix_socket_perms").getType(), "octal, so text");
        assertEquals(6, all.get("trusted_proxy_headers").getCardinality());
        assertEquals(0, all.get("listen").getCardinality());
        assertArrayEquals(new String[] {"none", "optional", "required"}, all.get("cert_reqs").getOptionValues());
        assertNull(all.get("threads").getOptionValues());
    }

    @Test
    void validationIsTheConverters() {
        Map<String, AttributeDefinition> all = attributes(ObjectClassDefinition.ALL);
        assertEquals("", all.get("threads").validate("12"));
        String refused = all.get("threads").validate("0");
        assertTrue(refused.startsWith("threads=0: must be from 1"), refused);
        assertTrue(all.get("unix_socket_perms").validate("0o680").contains("octal"));
        assertTrue(all.get("trusted_proxy").validate("proxy.example").contains("IP address"));
        assertEquals("", all.get("trusted_proxy").validate(""), "an optional field left empty");
        for (AttributeDefinition attribute : all.values()) {
            assertTrue(attribute.getDescription().length() > 10, attribute.getID());
            assertTrue(!attribute.getName().isBlank(), attribute.getID());
            for (String option : attribute.getOptionValues() == null ? new String[0] : attribute.getOptionValues()) {
                if (option.equals("virtual") && Runtime.version().feature() < 21) {
                    assertTrue(attribute.validate(option).contains("needs Java 21"));
                    continue;
                }
                assertEquals("", attribute.validate(option), attribute.getID() + "=" + option);
            }
        }
    }

    private static Object typed(AttributeDefinition attribute, String[] text) {
        if (attribute.getCardinality() != 0) {
            return text;
        }
        return switch (attribute.getType()) {
            case AttributeDefinition.INTEGER -> Integer.valueOf(text[0]);
            case AttributeDefinition.LONG -> Long.valueOf(text[0]);
            case AttributeDefinition.BOOLEAN -> Boolean.valueOf(text[0]);
            default -> text[0];
        };
    }

    @Test
    void everyLabelIsDistinct() {
        List<String> labels = attributes(ObjectClassDefinition.ALL).values().stream().map(AttributeDefinition::getName).toList();
        assertEquals(labels.size(), new TreeSet<>(labels).size());
    }
}

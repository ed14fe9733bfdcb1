package dev.usher.config.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import dev.usher.config.Adjustments;
import dev.usher.config.InvalidSettingException;

/**
 * The metatype OCD documents exactly the properties {@link Adjustments} reads, and its defaults
 * are Adjustments' defaults. (The annotations themselves are retained in class files only; bnd
 * turns them into XML. What reflection sees are the methods and their default values.)
 */
class ServerConfigurationTest {

    /** The property id of an OCD method, by the metatype specification's name mapping. */
    static String propertyId(String methodName) {
        StringBuilder id = new StringBuilder();
        for (int i = 0; i < methodName.length(); i++) {
            char c = methodName.charAt(i);
            if (c == '_') {
                if (i + 1 < methodName.length() && methodName.charAt(i + 1) == '_') {
                    id.append('_');
                    i++;
                } else {
                    id.append('.');
                }
            } else if (c == '$') {
                throw new AssertionError("no $ in property names: " + methodName);
            } else {
                id.append(c);
            }
        }
        return id.toString();
    }

    private static Map<String, Method> attributes() {
        Map<String, Method> attributes = new TreeMap<>();
        for (Method m : ServerConfiguration.class.getDeclaredMethods()) {
            attributes.put(propertyId(m.getName()), m);
        }
        return attributes;
    }

    @Test
    void theOcdCoversExactlyTheProperties() {
        assertEquals(new TreeSet<>(Adjustments.PROPERTIES), attributes().keySet());
    }

    @Test
    void attributesWithoutADefaultAreThoseWhoseDefaultIsNoneOrComputed() {
        Set<String> withoutDefault = new TreeSet<>();
        attributes().forEach((id, m) -> {
            if (m.getDefaultValue() == null) {
                withoutDefault.add(id);
            }
        });
        // the optional ones, which a form leaves empty and parsing then takes as absent
        assertEquals(new TreeSet<>(Adjustments.OPTIONAL), withoutDefault);
    }

    @Test
    void theOcdsDefaultsAreAdjustmentsDefaults() throws InvalidSettingException {
        Adjustments defaults = Adjustments.defaults();
        for (Map.Entry<String, Method> attribute : attributes().entrySet()) {
            Object value = attribute.getValue().getDefaultValue();
            if (value == null) {
                continue;
            }
            // as Config Admin would hand it over: typed, and as the string a cfg file holds
            assertEquals(defaults, Adjustments.parse(Map.of(attribute.getKey(), value)), attribute.getKey());
            String text = value.getClass().isArray() ? String.join(" ", (String[]) value) : String.valueOf(value);
            assertEquals(defaults, Adjustments.parse(Map.of(attribute.getKey(), text)), attribute.getKey());
        }
    }

    @Test
    void attributeTypesAreThoseConfigAdminHandsOver() {
        Map<String, Class<?>> types = new TreeMap<>();
        attributes().forEach((id, m) -> types.put(id, m.getReturnType()));
        types.forEach((id, type) -> {
            Class<?> t = type.isArray() ? type.getComponentType() : type;
            assertEquals(true, t == String.class || t == int.class || t == long.class || t == boolean.class, id);
        });
        assertEquals(String[].class, types.get("trusted_proxy_headers"));
        assertEquals(String.class, types.get("unix_socket_perms"));
    }
}

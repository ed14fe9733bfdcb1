package dev.usher.servlet;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;

/**
 * Reads whiteboard service properties the way the Compendium writes them: a property meant as
 * "one or more strings" may be a {@code String}, a {@code String[]} or a {@code Collection}.
 */
final class ServiceProperties {

    private ServiceProperties() {
    }

    /** The property's strings, empty when absent; an element that is not a string is refused. */
    static List<String> strings(ServiceReference<?> reference, String key) {
        Object value = reference.getProperty(key);
        if (value == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        if (value instanceof String s) {
            out.add(s);
        } else if (value instanceof Collection<?> c) {
            for (Object o : c) {
                out.add(string(key, o));
            }
        } else if (value.getClass().isArray()) {
            for (int i = 0; i < Array.getLength(value); i++) {
                out.add(string(key, Array.get(value, i)));
            }
        } else {
            throw new InvalidServiceException(key + " must be a string or strings, not " + value.getClass().getSimpleName());
        }
        return List.copyOf(out);
    }

    private static String string(String key, Object element) {
        if (element instanceof String s) {
            return s;
        }
        throw new InvalidServiceException(key + " must hold strings, not " + (element == null ? "null" : element.getClass().getSimpleName()));
    }

    /** The property as one string, or null when absent. */
    static String string(ServiceReference<?> reference, String key) {
        Object value = reference.getProperty(key);
        if (value == null || value instanceof String) {
            return (String) value;
        }
        List<String> all = strings(reference, key);
        if (all.size() != 1) {
            throw new InvalidServiceException(key + " must be one string");
        }
        return all.get(0);
    }

    /** A boolean property: {@code Boolean} or the string {@code true}/{@code false}, case-insensitive. */
    static boolean bool(ServiceReference<?> reference, String key, boolean absent) {
        Object value = reference.getProperty(key);
        if (value == null) {
            return absent;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(s);
        }
        throw new InvalidServiceException(key + " must be true or false, not '" + value + "'");
    }

    /** A number property ({@code Number} or its decimal string); {@code absent} when missing. */
    static long number(ServiceReference<?> reference, String key, long absent) {
        Object value = reference.getProperty(key);
        if (value == null) {
            return absent;
        }
        if (value instanceof Number n) {
            return n.longValue();
        }
        try {
            return Long.parseLong(value.toString().trim());
        } catch (NumberFormatException e) {
            throw new InvalidServiceException(key + " must be a number, not '" + value + "'");
        }
    }

    /** Every {@code prefix*} property with a string value, the prefix taken off the name. */
    static Map<String, String> initParams(ServiceReference<?> reference, String prefix) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String key : reference.getPropertyKeys()) {
            if (key.startsWith(prefix) && key.length() > prefix.length()
                    && reference.getProperty(key) instanceof String value) {
                out.put(key.substring(prefix.length()), value);
            }
        }
        return Map.copyOf(out);
    }

    /** The service's id. */
    static long id(ServiceReference<?> reference) {
        return (Long) reference.getProperty(Constants.SERVICE_ID);
    }
}

package dev.usher.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * One entry of the settings table ({@link Settings}): a setting's name, the form it takes in a
 * configuration, its default, how a configured value is read, and what it means. Everything else
 * about a setting (parsing, the metatype form, the checks against the README) is derived from
 * its entry; only how settings constrain one another lives in {@link Adjustments#parse}.
 *
 * @param <T> the type of the setting's value once read
 * @param name the property's name, waitress's where waitress has the setting: {@code recv_bytes}
 * @param label a short human name, for configuration forms
 * @param form how the value is written in a configuration
 * @param defaultText the default as a configuration would write it, read by {@code converter}
 *     like any configured value; {@code null} when the setting has no fixed default (it is
 *     absent, or follows from other settings or the machine)
 * @param converter reads a configured value, refusing one it cannot use
 * @param description one or two sentences for the configuration form
 * @param options the values a form offers to choose from; empty for free input
 */
public record Setting<T>(String name, String label, Form form, String defaultText, Converter<T> converter,
        String description, List<String> options) {

    /** How a setting's value is written in a configuration, and so in a metatype form. */
    public enum Form {
        /** {@code true} or {@code false} (or waitress's other spellings of them). */
        BOOLEAN,
        /** A whole number that fits an {@code int}. */
        INTEGER,
        /** A whole number that fits a {@code long}. */
        LONG,
        /** One string. */
        STRING,
        /** Several strings: a {@code String[]}, a collection, or words in one string. */
        STRINGS
    }

    /**
     * Reads a configured value of a setting: a {@link String} from a file, or one of Config
     * Admin's types ({@link Boolean}, {@link Integer}, {@link Long}, {@code String[]}, a
     * collection).
     *
     * @param <T> the value's type once read
     */
    @FunctionalInterface
    public interface Converter<T> {

        /**
         * The value {@code value} of setting {@code name} stands for.
         *
         * @throws InvalidSettingException naming {@code name} when the value cannot be used
         */
        T convert(String name, Object value) throws InvalidSettingException;

        /** This converter, its value then mapped by {@code after}. */
        default <R> Converter<R> andThen(Function<? super T, ? extends R> after) {
            return (name, value) -> after.apply(convert(name, value));
        }
    }

    /** Checks the entry: a default that its own converter refuses is a mistake in the table. */
    public Setting {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(form, "form");
        Objects.requireNonNull(converter, "converter");
        Objects.requireNonNull(description, "description");
        options = List.copyOf(options);
        if (defaultText != null) {
            try {
                converter.convert(name, defaultText);
            } catch (InvalidSettingException e) {
                throw new IllegalArgumentException("the default of " + name + " is refused: " + e.getMessage(), e);
            }
        }
    }

    /** This entry, offering {@code choices} in a form. */
    public Setting<T> withOptions(String... choices) {
        return new Setting<>(name, label, form, defaultText, converter, description, List.of(choices));
    }

    /**
     * Whether the setting has no fixed default. A form leaves such a setting empty, and parsing
     * takes a blank value of it as absent.
     */
    public boolean optional() {
        return defaultText == null;
    }

    /** The default, read; empty for an {@link #optional()} setting. */
    public Optional<T> defaultValue() {
        if (defaultText == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(converter.convert(name, defaultText));
        } catch (InvalidSettingException e) {
            throw new AssertionError("checked when the entry was made", e);
        }
    }

    /**
     * The setting's value in {@code value}: the configured value read by the converter.
     *
     * @throws InvalidSettingException naming this setting when the value cannot be used
     */
    public T convert(Object value) throws InvalidSettingException {
        return converter.convert(name, Objects.requireNonNull(value, name));
    }

    @Override
    public String toString() {
        return name;
    }
}

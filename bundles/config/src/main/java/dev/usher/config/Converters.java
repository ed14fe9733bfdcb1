package dev.usher.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * The readers of configured values that the settings table is made of, in the spirit of
 * waitress's {@code asbool}, {@code asoctal} and {@code aslist}: each takes a string as a file
 * holds it or one of Config Admin's typed values, and refuses what it cannot use, naming the
 * setting.
 */
final class Converters {

    private Converters() {
    }

    /** A check of a value already read. */
    @FunctionalInterface
    interface Check<T> {
        /** Throws naming {@code name} when {@code value} cannot be used. */
        void check(String name, T value) throws InvalidSettingException;
    }

    /** A reader of one word of a multi-word setting. */
    @FunctionalInterface
    interface WordReader<T> {
        /** The item {@code word} stands for; {@code value} is the whole configured value, for errors. */
        T read(String name, String word, Object value) throws InvalidSettingException;
    }

    /** {@code t true y yes on 1} / {@code f false n no off 0} in any case, or a {@link Boolean}. */
    static Setting.Converter<Boolean> bool() {
        return (name, value) -> {
            if (value instanceof Boolean b) {
                return b;
            }
            switch (text(name, value).toLowerCase(Locale.ROOT)) {
                case "t", "true", "y", "yes", "on", "1":
                    return true;
                case "f", "false", "n", "no", "off", "0":
                    return false;
                default:
                    throw new InvalidSettingException(name, value, "not a boolean (true/false, yes/no, on/off, 1/0)");
            }
        };
    }

    /** A whole number from {@code min} to {@code max}: an integral number, or its decimal digits. */
    static Setting.Converter<Integer> integer(int min, int max) {
        Setting.Converter<Long> wide = longInteger(min, max);
        return (name, value) -> wide.convert(name, value).intValue();
    }

    /** A whole number from {@code min} to {@code max}, as a {@code long}. */
    static Setting.Converter<Long> longInteger(long min, long max) {
        return (name, value) -> {
            long number;
            if (integral(value)) {
                number = ((Number) value).longValue();
            } else {
                try {
                    number = Long.parseLong(text(name, value));
                } catch (NumberFormatException e) {
                    throw new InvalidSettingException(name, value, "not a whole number");
                }
            }
            if (number < min || number > max) {
                throw new InvalidSettingException(name, value,
                        max == Integer.MAX_VALUE || max == Long.MAX_VALUE
                                ? "must be at least " + min
                                : "must be from " + min + " to " + max);
            }
            return number;
        };
    }

    /** One string, trimmed. */
    static Setting.Converter<String> string() {
        return Converters::text;
    }

    /** One string, trimmed, that passes {@code check}. */
    static Setting.Converter<String> string(Check<String> check) {
        return (name, value) -> {
            String text = text(name, value);
            check.check(name, text);
            return text;
        };
    }

    /** One string, trimmed, that is a path on this system. */
    static Setting.Converter<String> path() {
        return string(Converters::checkPath);
    }

    /**
     * A file mode, read as waitress's {@code int(value, 8)}: {@code "600"}, {@code "0600"} or
     * {@code "0o600"}. A number is read by its decimal digits as octal too, so that
     * {@code Integer 600} means mode {@code 0600} just as the string does; a number with a digit
     * 8 or 9 is refused.
     */
    static Setting.Converter<Integer> octalMode() {
        return (name, value) -> {
            String digits = integral(value) ? value.toString() : text(name, value);
            try {
                return FileModes.parseOctal(digits);
            } catch (NumberFormatException e) {
                throw new InvalidSettingException(name, value, "not an octal mode such as 600");
            } catch (IllegalArgumentException e) {
                throw new InvalidSettingException(name, value, "must be from 0 to 777 (octal)");
            }
        };
    }

    /**
     * The words of a {@code String[]}, a collection or a string, split by {@code separators}
     * (a regular expression), each read by {@code reader}; none is refused.
     */
    static <T> Setting.Converter<List<T>> words(String separators, WordReader<T> reader) {
        return (name, value) -> {
            List<String> words = words(value, separators);
            if (words.isEmpty()) {
                throw new InvalidSettingException(name, value, "names nothing");
            }
            List<T> items = new ArrayList<>();
            for (String word : words) {
                items.add(reader.read(name, word, value));
            }
            return List.copyOf(items);
        };
    }

    /** A converter that reads with {@code converter} and then checks with {@code check}. */
    static <T> Setting.Converter<T> checked(Setting.Converter<T> converter, Check<T> check) {
        return (name, value) -> {
            T read = converter.convert(name, value);
            check.check(name, read);
            return read;
        };
    }

    /** The one string {@code value} holds, trimmed; several are refused. */
    static String text(String name, Object value) throws InvalidSettingException {
        List<String> all = strings(value);
        if (all.size() != 1) {
            throw new InvalidSettingException(name, value, "must be a single value");
        }
        return all.get(0).trim();
    }

    /** Refuses a value of setting {@code name} that is no path on this system. */
    static void checkPath(String name, String path) throws InvalidSettingException {
        try {
            Path.of(path);
        } catch (InvalidPathException e) {
            throw new InvalidSettingException(name, path, "not a path: " + e.getReason());
        }
    }

    /** The non-empty words of a string, string array or collection, split by {@code separators}. */
    static List<String> words(Object value, String separators) {
        List<String> words = new ArrayList<>();
        for (String item : strings(value)) {
            for (String word : item.trim().split(separators)) {
                if (!word.isEmpty()) {
                    words.add(word);
                }
            }
        }
        return words;
    }

    /** The strings of a string array or collection, or the one string a value is. */
    static List<String> strings(Object value) {
        if (value instanceof String[] array) {
            return List.of(array);
        }
        if (value instanceof Collection<?> collection) {
            List<String> all = new ArrayList<>();
            for (Object o : collection) {
                all.add(String.valueOf(o));
            }
            return all;
        }
        return List.of(String.valueOf(value));
    }

    private static boolean integral(Object value) {
        return value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte;
    }
}

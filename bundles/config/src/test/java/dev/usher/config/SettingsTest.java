package dev.usher.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

/**
 * The settings table is sound (each default is read by its own converter, each name appears
 * once), and README.md's settings table documents every setting with the table's default.
 */
class SettingsTest {

    /** README.md at the root of the project, two levels above this module. */
    private static final Path README = Path.of("../../README.md");

    /** Defaults the README gives in words where the table holds the value itself. */
    private static final Map<String, String> PROSE = Map.of(
            "none", "",
            "combined", Settings.DEFAULT_ACCESS_LOG_FORMAT);

    @Test
    void anEntryWhoseDefaultItsConverterRefusesIsAMistake() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Setting<>("threads",
                "Threads", Setting.Form.INTEGER, "0", Converters.integer(1, 10), "Application threads.", List.of()));
        assertTrue(e.getMessage().contains("the default of threads is refused"), e.getMessage());
    }

    @Test
    void namesAreUniqueAndFoundByName() {
        assertEquals(Settings.ALL.size(), Settings.names().size());
        for (Setting<?> setting : Settings.ALL) {
            assertEquals(setting, Settings.named(setting.name()).orElseThrow());
            assertTrue(setting.name().matches("[a-z0-9_]+"), setting.name());
        }
        assertTrue(Settings.named("thread").isEmpty());
    }

    @Test
    void eachDefaultIsWhatParsingGivesWithoutConfiguration() {
        Adjustments defaults = Adjustments.defaults();
        for (Setting<?> setting : Settings.ALL) {
            setting.defaultValue().ifPresent(value -> assertEquals(value, defaults.get(setting), setting.name()));
        }
    }

    @Test
    void theReadmeDocumentsEverySettingWithItsDefault() throws IOException, InvalidSettingException {
        Set<String> documented = new TreeSet<>();
        for (String row : settingsRows()) {
            String[] cells = row.split("\\s*\\|\\s*");
            List<String> names = new ArrayList<>();
            for (String name : cells[1].split(",\\s*")) {
                names.add(name.replace("`", "").trim());
            }
            List<String> defaults = splitDefaults(cells[2]);
            assertTrue(defaults.size() == names.size() || defaults.size() == 1, row);
            for (int i = 0; i < names.size(); i++) {
                String name = names.get(i);
                Setting<?> setting = Settings.named(name).orElseThrow(() -> new AssertionError("README names " + name));
                assertTrue(documented.add(name), "README documents " + name + " twice");
                String shown = defaults.get(defaults.size() == 1 ? 0 : i);
                if (!setting.optional()) {
                    assertEquals(setting.defaultValue().orElseThrow(), setting.convert(literal(name, shown)),
                            "README's default of " + name);
                }
            }
        }
        assertEquals(new TreeSet<>(Settings.names()), documented);
        assertEquals(Settings.DEFAULT_HOST + ":" + Settings.DEFAULT_PORT,
                String.join(":", splitDefaults(settingsRows().get(0).split("\\s*\\|\\s*")[2])).replace("`", ""));
    }

    /** The text a README default cell stands for: a `literal`, or one of the {@link #PROSE} words. */
    private static String literal(String name, String shown) {
        if (shown.startsWith("`") && shown.endsWith("`")) {
            return shown.substring(1, shown.length() - 1);
        }
        String text = PROSE.get(shown);
        if (text == null) {
            throw new AssertionError("README gives the default of " + name + " as " + shown
                    + ", neither a `literal` nor one of " + PROSE.keySet());
        }
        return text;
    }

    /** The defaults of a row, one per name: separated by commas outside parentheses and `literals`. */
    private static List<String> splitDefaults(String cell) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        boolean literal = false;
        int from = 0;
        for (int i = 0; i < cell.length(); i++) {
            char c = cell.charAt(i);
            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            literal ^= c == '`';
            if (c == ',' && depth == 0 && !literal) {
                parts.add(cell.substring(from, i).trim());
                from = i + 1;
            }
        }
        parts.add(cell.substring(from).trim());
        return parts;
    }

    /** The rows of README.md's table under "### Settings", each naming settings in its first cell. */
    private static List<String> settingsRows() throws IOException {
        List<String> rows = new ArrayList<>();
        boolean inSection = false;
        for (String line : Files.readAllLines(README)) {
            if (line.startsWith("### ")) {
                inSection = line.equals("### Settings");
            } else if (inSection && line.startsWith("| `")) {
                rows.add(line);
            }
        }
        assertTrue(rows.size() > 20, "README.md's settings table found");
        return rows;
    }
}

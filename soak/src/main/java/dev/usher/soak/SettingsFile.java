package dev.usher.soak;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * The default server's settings file, {@code etc/dev.usher.server.cfg}, replaced whole.
 *
 * <p>FileInstall polls {@code etc/}; a file written in place can be scanned between its
 * truncation and its write and applied half-written, which is not what a soak is about. So the
 * file is written beside {@code etc/} (same file system) and renamed over the old one.
 */
public final class SettingsFile {

    private final Path file;
    private final Path staging;

    /** The settings file of the runtime working in {@code directory}. */
    public SettingsFile(Path directory) throws IOException {
        this.file = Files.createDirectories(directory.resolve("etc")).resolve("dev.usher.server.cfg");
        this.staging = Files.createDirectories(directory.resolve("staging")).resolve("dev.usher.server.cfg");
    }

    /** Replaces the file with these settings, one {@code key=value} a line, in the map's order. */
    public void write(Map<String, String> settings) throws IOException {
        StringBuilder text = new StringBuilder();
        settings.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
        Files.writeString(staging, text);
        Files.move(staging, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}

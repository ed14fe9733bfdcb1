package dev.usher.servlet.http;

import jakarta.servlet.MultipartConfigElement;

import java.nio.file.Path;

/**
 * The limits a servlet's {@link MultipartConfigElement} sets on reading its
 * {@code multipart/form-data} requests.
 *
 * @param location where parts larger than {@code fileSizeThreshold} are kept; {@code ""} for
 *     {@code java.io.tmpdir}
 * @param maxFileSize the most bytes one part may have; -1 for no limit
 * @param maxRequestSize the most bytes the whole body may have; -1 for no limit
 * @param fileSizeThreshold the most bytes of one part kept in memory
 */
public record MultipartLimits(String location, long maxFileSize, long maxRequestSize, int fileSizeThreshold) {

    /** Takes {@code null} for the location as {@code ""}. */
    public MultipartLimits {
        location = location == null ? "" : location;
    }

    /** The limits {@code config} sets. */
    public static MultipartLimits of(MultipartConfigElement config) {
        return new MultipartLimits(config.getLocation(), config.getMaxFileSize(), config.getMaxRequestSize(),
                config.getFileSizeThreshold());
    }

    /**
     * The directory of {@code location}: {@code java.io.tmpdir} for {@code ""}, and the place a
     * relative location names within it.
     */
    public Path directory() {
        // The Servlet specification resolves a relative location against the context's temporary
        // directory; this layer knows no context, so the JVM's stands in for it.
        Path temporary = Path.of(System.getProperty("java.io.tmpdir"));
        return location.isEmpty() ? temporary : temporary.resolve(location);
    }
}

package dev.usher.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * Mounts an application component at one or more path prefixes: it becomes the
 * {@code usher.mount} service property.
 *
 * <pre>
 * &#64;Component
 * &#64;Mount("/api")
 * public class Api implements HttpApplication { ... }
 * </pre>
 *
 * <p>A request goes to the application with the longest prefix that matches its path on a
 * segment boundary ({@code /api} matches {@code /api} and {@code /api/x}, not {@code /apix});
 * {@code /} matches every path.
 */
@ComponentPropertyType
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface Mount {

    /** Makes the property {@code usher.mount}. */
    String PREFIX_ = "usher.";

    /** The service property that carries the prefixes. */
    String PROPERTY = "usher.mount";

    /**
     * The service property naming the servers (their configurations' names, {@code default} for
     * PID {@code dev.usher.server}) an application is mounted on; without it, every server.
     */
    String SERVER_PROPERTY = "usher.server";

    /** The path prefixes, each starting with {@code /}. */
    String[] value();
}

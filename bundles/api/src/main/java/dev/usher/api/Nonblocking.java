package dev.usher.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * Declares an application that never blocks: the server then runs it on the I/O thread that
 * read the request instead of handing the request to an application thread, saving two thread
 * switches a request. It becomes the service property {@code usher.nonblocking=true}.
 *
 * <p>Only declare it for an application that answers at once from what it has: one that waits
 * for a lock, a database, a file or another thread stalls every connection of its I/O thread.
 * Its responses should be small: the I/O thread cannot wait for a slow client to read.
 */
@ComponentPropertyType
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface Nonblocking {

    /** Makes the property {@code usher.nonblocking}. */
    String PREFIX_ = "usher.";

    /** The service property this annotation sets to {@code true}. */
    String PROPERTY = "usher.nonblocking";
}

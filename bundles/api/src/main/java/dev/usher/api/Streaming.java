package dev.usher.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * Declares an application that reads request bodies as they arrive: the server calls it as
 * soon as a request's head is parsed, and {@link HttpRequest#body()} delivers the body bytes
 * as the client sends them, decoded from chunked framing, so the application can process
 * uploads larger than memory or report progress. The client is held back while the
 * application has a bounded amount of body unread. It becomes the service property
 * {@code usher.streaming=true}; without it the server reads the whole request first.
 */
@ComponentPropertyType
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface Streaming {

    /** Makes the property {@code usher.streaming}. */
    String PREFIX_ = "usher.";

    /** The service property this annotation sets to {@code true}. */
    String PROPERTY = "usher.streaming";
}

package dev.usher.servlet;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The servlet whiteboard's configuration, PID {@value ServletWhiteboard#PID}; optional, every
 * default serves. Its defaults are the table the form and the component read.
 */
@ObjectClassDefinition(name = "Usher servlet whiteboard", description = "The OSGi Whiteboard for Jakarta Servlet "
        + "on Usher: servlets, filters, resources and listeners registered as services.")
@interface WhiteboardConfiguration {

    /** The servers its contexts are mounted on; empty for all. */
    @AttributeDefinition(name = "Servers", description = "The servers the servlet contexts are mounted on, by name; "
            + "empty for every server.", required = false)
    String[] server() default {};

    /** How long a session may stay unused before it expires, unless a context or a session says otherwise. */
    @AttributeDefinition(name = "Session timeout", description = "Minutes a session may stay unused before it "
            + "expires (0 or less: never), unless the application sets its own.")
    int session_timeout() default 30;
}

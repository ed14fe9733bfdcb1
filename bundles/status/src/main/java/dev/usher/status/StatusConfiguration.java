package dev.usher.status;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The status application's configuration, PID {@value StatusEndpoint#PID}: without one, nothing
 * is mounted. Its defaults are the table the form and the component read.
 */
@ObjectClassDefinition(name = "Usher status", description = "The status page, its JSON, /metrics and /health. "
        + "Off until this configuration exists; once on, served to loopback clients only unless allow_ips says more.")
@interface StatusConfiguration {

    /** Where it is mounted. */
    @AttributeDefinition(name = "Mount", description = "Where it is mounted: the page there, and json, metrics "
            + "and health below it.")
    String mount() default "/usher";

    /** The servers it is mounted on; empty for all. */
    @AttributeDefinition(name = "Servers", description = "The servers it is mounted on, by name; empty for every "
            + "server.", required = false)
    String[] server() default {};

    /** {@code allow_ips} (a double underscore is one in the property's name): the clients it answers; others get 404, as if nothing were mounted. */
    @AttributeDefinition(name = "Allowed clients", description = "IP addresses and networks (10.0.0.0/8) of the "
            + "clients it answers, * for any; others get 404. A load balancer checking /health must be listed.")
    String[] allow__ips() default {"127.0.0.1", "::1"};
}

package dev.usher.config;

import java.util.Map;
import java.util.Optional;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * What a server runs on while Config Admin holds no configuration for it: a service that the
 * config bundle asks, when there is one, instead of falling back to its own rule.
 *
 * <p>The config bundle asks when Config Admin says a server's configuration is gone or absent:
 * its managed service gets {@code updated(null)} (PID {@code dev.usher.server}: at start without a
 * configuration, or after a deletion), or its managed service factory gets {@code deleted(pid)}
 * ({@code dev.usher.server~NAME}). A configuration's deletion reaches no {@code
 * ConfigurationPlugin}, and a configuration written anew by a {@code ConfigurationListener} comes
 * only after the server has been told it has none; this service lets the server go straight from
 * its last configuration to the answer, without passing through anything else.
 *
 * <p>Without such a service the config bundle's own rule holds: the default server runs on
 * {@link Adjustments#defaults() defaults} (unless the framework property {@code
 * usher.server.default} is {@code false}, then it stops), a named server stops. With one, the
 * answer decides, the framework property included. If several are registered, the one with the
 * highest ranking answers. The config bundle asks at the moment Config Admin tells it; a service
 * that comes or goes later changes nothing until the next such moment.
 *
 * <p>The answer is applied like a configuration: settings that are not valid keep the server's
 * last good settings, as a bad configuration does.
 */
@ConsumerType
public interface UnconfiguredServers {

    /**
     * The properties the server of configuration PID {@code pid} runs on while Config Admin holds
     * no configuration for it.
     *
     * <p>Called on Config Admin's update thread, which delivers every configuration: it should
     * answer at once, without waiting for another thread or for Config Admin. An exception counts
     * as no answer: the config bundle's own rule holds.
     *
     * @param pid {@code dev.usher.server} for the default server, {@code dev.usher.server~NAME}
     *     for a named one
     * @return the server's configuration properties, as a configuration would hold them (the
     *     names {@link Adjustments#PROPERTIES} lists); empty if the server should not run
     */
    Optional<Map<String, Object>> properties(String pid);
}

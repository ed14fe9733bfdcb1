/**
 * Usher's settings: {@link dev.usher.config.Adjustments}, one immutable value with every
 * setting of a server (waitress's names and defaults), and the {@link
 * dev.usher.config.ServerSettings} services that publish one per Config Admin configuration; and
 * {@link dev.usher.config.UnconfiguredServers}, a service which another bundle may register to say what a
 * server runs on while Config Admin holds no configuration for it.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.3.0")
package dev.usher.config;

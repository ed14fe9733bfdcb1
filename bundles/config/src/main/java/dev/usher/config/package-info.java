/**
 * Usher's settings: {@link dev.usher.config.Adjustments}, one immutable value with every
 * setting of a server (waitress's names and defaults), and the {@link
 * dev.usher.config.ServerSettings} services that publish one per Config Admin configuration.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package dev.usher.config;

/**
 * Usher's settings: {@link dev.usher.config.Settings}, the table with one {@link
 * dev.usher.config.Setting} per setting (name, form, default, converter, description);
 * {@link dev.usher.config.Adjustments}, one immutable value with every setting of a server
 * (waitress's names and defaults) read through that table; the {@link
 * dev.usher.config.ServerSettings} services that publish one per Config Admin configuration; and
 * {@link dev.usher.config.UnconfiguredServers}, a service which another bundle may register to say what a
 * server runs on while Config Admin holds no configuration for it.
 *
 * <p>2.0.0: {@code Adjustments} is no longer a record with a positional constructor; it is read
 * from properties only, and its constants moved to {@code Settings}. 2.1.0: the {@code metrics}
 * setting; {@code ServerSettings} tells how many configurations were refused, and why the last was.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("2.1.0")
package dev.usher.config;

/**
 * The command line of the executable runtime and what it means as Usher configuration, in plain
 * Java: parsing ({@link dev.usher.runtime.options.CommandLine}), the options as framework
 * properties ({@link dev.usher.runtime.options.Options}), the settings file
 * ({@link dev.usher.runtime.options.SettingsFile}), the layering of settings from the files and
 * the command line into each server's configuration ({@link dev.usher.runtime.options.ServerLayers}),
 * validation ({@link dev.usher.runtime.options.ConfigCheck}) and the pid file. Used both by the
 * launcher (before any framework runs) and by the control bundle (inside it); nothing here is
 * exported.
 */
package dev.usher.runtime.options;

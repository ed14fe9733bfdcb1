/**
 * The executable jar's entry point, {@link dev.usher.runtime.launch.Main}: the command line,
 * the daemon, the log file and the signals that must work before and after the framework runs.
 * Plain Java on the application class path; inside the framework the package is unused.
 */
package dev.usher.runtime.launch;

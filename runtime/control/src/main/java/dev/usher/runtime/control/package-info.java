/**
 * The runtime's control bundle: inside the framework it carries out the command line -- options
 * and the settings file as Config Admin configuration, the pid file, HUP/TTIN/TTOU, readiness.
 * Nothing here is exported.
 */
package dev.usher.runtime.control;

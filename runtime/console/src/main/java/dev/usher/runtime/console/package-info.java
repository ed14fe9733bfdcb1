/**
 * The executable runtime's console: Log Service entries printed to standard output.
 * Nothing here is exported.
 */
package dev.usher.runtime.console;

/**
 * Buffer management for Usher: a pool of byte buffers with bounded retention, and buffers that
 * keep their bytes in memory up to a threshold and in a temporary file beyond it.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package dev.usher.buffers;

/**
 * HTTP/1.x for Usher: an incremental request parser fed arbitrary byte slices, the limits it
 * enforces, the status each input error deserves, and the encoding of response heads.
 * Pure Java; needs no OSGi runtime.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package dev.usher.http1;

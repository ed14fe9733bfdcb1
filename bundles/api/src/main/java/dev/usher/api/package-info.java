/**
 * The application contract of Usher: what an application sees of a request and how it answers.
 *
 * <p>An application is an OSGi service of type {@link dev.usher.api.HttpApplication} with a
 * {@code usher.mount} service property ({@link dev.usher.api.Mount}); the server discovers it
 * and routes to it every request whose path starts with one of its mount prefixes.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.3.0")
package dev.usher.api;

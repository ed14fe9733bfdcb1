/**
 * The OSGi Whiteboard for Jakarta Servlet (Compendium R8.1, chapter 140) on Usher's own
 * application contract: servlets, filters, resources, listeners and contexts registered as
 * services, served through Usher's parser, dispatcher and limits. Nothing here is exported.
 *
 * <p>Under construction (issue 14): so far the Servlet specification's request mapping
 * ({@link dev.usher.servlet.ServletPattern}, {@link dev.usher.servlet.ServletMappings}).
 */
package dev.usher.servlet;

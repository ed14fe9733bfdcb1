/**
 * Demo servlets for the OSGi Whiteboard for Jakarta Servlet (Compendium chapter 140), written the
 * way OSGi users write them: Declarative Services components with the whiteboard's component
 * property types, and nothing of Usher's. {@code HelloServlet} at {@code /servlet/hello} (the
 * same bytes as the demo bundle's hello), {@code FormServlet} at {@code /servlet/form} and the
 * bundle's {@code static/} folder at {@code /servlet/static/*}; the benchmarks run the hello on
 * Usher's whiteboard and on Apache Felix HTTP Jetty. Nothing here is exported.
 *
 * <p>The property types already require a whiteboard implementation; the package says so too, so
 * that the requirement stays if a component ever registers its properties another way.
 */
@RequireHttpWhiteboard
package dev.usher.demo.servlet;

import org.osgi.service.servlet.whiteboard.annotations.RequireHttpWhiteboard;

/**
 * The Servlet API's pieces that do not depend on the whiteboard: HTTP dates
 * ({@link dev.usher.servlet.http.HttpDates}), {@code application/x-www-form-urlencoded} parameters
 * ({@link dev.usher.servlet.http.Parameters}), the {@code Cookie} and {@code Set-Cookie} fields
 * ({@link dev.usher.servlet.http.Cookies}), {@code multipart/form-data} uploads
 * ({@link dev.usher.servlet.http.MultipartForm}) and the servlet that serves a whiteboard's
 * resources ({@link dev.usher.servlet.http.ResourceServlet}). Nothing here is exported.
 */
package dev.usher.servlet.http;

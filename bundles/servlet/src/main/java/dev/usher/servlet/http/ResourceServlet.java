package dev.usher.servlet.http;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.MappingMatch;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Serves the resources of a whiteboard resource service ({@code osgi.http.whiteboard.resource.prefix}
 * and {@code .pattern}, OSGi Compendium 140.6) with GET and HEAD: the request's path, mapped by
 * its pattern onto the prefix, names a resource of the context. Answers conditional requests
 * (RFC 9110 13) and one byte range (RFC 9110 14).
 */
public class ResourceServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private static final String ALLOW = "GET, HEAD, OPTIONS";

    /** Where the resources come from: the context's {@code ServletContextHelper}, adapted. */
    public interface ResourceSource {

        /** The resource named {@code name}, or null when there is none. */
        URL getResource(String name);

        /** The MIME type of {@code name}, or null when the source does not know it. */
        String getMimeType(String name);
    }

    private final String prefix;
    // Not serializable, and never serialized: the whiteboard makes and keeps the servlet.
    private final transient ResourceSource source;

    /**
     * A servlet for one resource service.
     *
     * @param prefix the resource service's prefix: {@code /} or a path not ending in {@code /}
     * @param source where the named resources are found
     */
    public ResourceServlet(String prefix, ResourceSource source) {
        this.prefix = prefix;
        this.source = source;
    }

    /** GET and HEAD serve the resource; OPTIONS says so; any other method is refused with 405. */
    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        switch (request.getMethod()) {
            case "GET" -> serve(request, response, true);
            case "HEAD" -> serve(request, response, false);
            case "OPTIONS" -> response.setHeader("Allow", ALLOW);
            default -> {
                response.setHeader("Allow", ALLOW);
                response.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
            }
        }
    }

    /**
     * The name of the resource {@code request} asks for, by how its pattern matched: the prefix
     * for an exact pattern, the prefix and path info for {@code /x/*}, the prefix and servlet
     * path for {@code /} and {@code *.ext}, the prefix and {@code /} for the context root.
     */
    String resourceName(HttpServletRequest request) {
        HttpServletMapping mapping = request.getHttpServletMapping();
        MappingMatch match = mapping == null ? null : mapping.getMappingMatch();
        String pathInfo = request.getPathInfo() == null ? "" : request.getPathInfo();
        if (match == null) {
            return join(request.getServletPath() + pathInfo);
        }
        return switch (match) {
            case EXACT -> prefix;
            case PATH -> join(pathInfo);
            case DEFAULT, EXTENSION -> join(request.getServletPath());
            case CONTEXT_ROOT -> join("/");
        };
    }

    /**
     * Whether {@code name} may be served: no {@code .} or {@code ..} segment, backslash or NUL
     * that could reach outside the prefix, and no trailing {@code /}, since a directory is not
     * listed.
     */
    static boolean isServable(String name) {
        if (name.isEmpty() || name.endsWith("/") || name.indexOf('\\') >= 0 || name.indexOf('\0') >= 0) {
            return false;
        }
        for (String segment : name.split("/")) {
            if (segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return true;
    }

    private String join(String path) {
        return prefix.endsWith("/") && path.startsWith("/") ? prefix + path.substring(1) : prefix + path;
    }

    private void serve(HttpServletRequest request, HttpServletResponse response, boolean body) throws IOException {
        String name = resourceName(request);
        URL url = isServable(name) ? source.getResource(name) : null;
        if (url == null) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        URLConnection connection = url.openConnection();
        // Opened even for HEAD: connecting already holds a file open, and closing the stream is
        // what lets it go.
        InputStream opened;
        try {
            opened = connection.getInputStream();
        } catch (FileNotFoundException gone) {
            // The source named a resource that is not there, or no longer.
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        try (InputStream in = opened) {
            if (isDirectory(url, connection)) {
                response.sendError(HttpServletResponse.SC_NOT_FOUND);
                return;
            }
            Representation resource = new Representation(connection.getContentLengthLong(),
                    connection.getLastModified());
            send(request, response, name, resource, body ? in : null);
        }
    }

    private void send(HttpServletRequest request, HttpServletResponse response, String name,
            Representation resource, InputStream body) throws IOException {
        if (resource.lastModified() > 0) {
            response.setHeader("Last-Modified", HttpDates.format(resource.lastModified()));
        }
        if (resource.etag() != null) {
            response.setHeader("ETag", resource.etag());
        }
        int precondition = resource.evaluatePreconditions(request);
        if (precondition == HttpServletResponse.SC_NOT_MODIFIED) {
            response.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
            return;
        }
        if (precondition == HttpServletResponse.SC_PRECONDITION_FAILED) {
            response.sendError(HttpServletResponse.SC_PRECONDITION_FAILED);
            return;
        }
        response.setContentType(contentType(name));
        long length = resource.length();
        if (length < 0) {
            // Length unknown: no ranges, the whole stream as it comes.
            if (body != null) {
                body.transferTo(response.getOutputStream());
            }
            return;
        }
        response.setHeader("Accept-Ranges", "bytes");
        // Range is defined for GET alone (RFC 9110 14.2); HEAD answers as the whole GET would.
        RangeRequest range = body != null && resource.ifRangeHolds(request.getHeader("If-Range"))
                ? RangeRequest.of(request.getHeader("Range"), length)
                : new RangeRequest.Whole();
        if (range instanceof RangeRequest.Unsatisfiable) {
            response.setHeader("Content-Range", "bytes */" + length);
            response.setStatus(HttpServletResponse.SC_REQUESTED_RANGE_NOT_SATISFIABLE);
            return;
        }
        if (range instanceof RangeRequest.Partial partial) {
            response.setStatus(HttpServletResponse.SC_PARTIAL_CONTENT);
            response.setHeader("Content-Range", "bytes " + partial.first() + "-" + partial.last() + "/" + length);
            response.setContentLengthLong(partial.length());
            body.skipNBytes(partial.first());
            copy(body, response.getOutputStream(), partial.length());
            return;
        }
        response.setContentLengthLong(length);
        if (body != null) {
            copy(body, response.getOutputStream(), length);
        }
    }

    private String contentType(String name) {
        String type = source.getMimeType(name);
        if (type == null) {
            type = URLConnection.guessContentTypeFromName(name);
        }
        return type == null ? "application/octet-stream" : type;
    }

    /**
     * Whether {@code url} names a directory, which a {@code file:} URL would list and a
     * {@code jar:} URL would give as empty: neither is a resource.
     */
    private static boolean isDirectory(URL url, URLConnection connection) throws IOException {
        if (connection instanceof JarURLConnection jar) {
            return jar.getJarEntry() != null && jar.getJarEntry().isDirectory();
        }
        if (url.getProtocol().equals("file")) {
            try {
                return Files.isDirectory(Path.of(url.toURI()));
            } catch (URISyntaxException | IllegalArgumentException notAPath) {
                return false;
            }
        }
        return false;
    }

    // Exactly count bytes: Content-Length has promised that many, though the resource may have grown.
    private static void copy(InputStream in, ServletOutputStream out, long count) throws IOException {
        byte[] buffer = new byte[8192];
        long remaining = count;
        while (remaining > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, remaining));
            if (n < 0) {
                throw new IOException("resource shorter than its length of " + count + " bytes");
            }
            out.write(buffer, 0, n);
            remaining -= n;
        }
    }
}

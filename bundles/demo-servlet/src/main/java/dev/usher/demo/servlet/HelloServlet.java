package dev.usher.demo.servlet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * Answers {@code GET /servlet/hello} with {@code Hello, World!} as {@code text/plain}: byte for byte
 * what the demo bundle's {@code Hello} answers at {@code /}, so that the benchmark's rows differ
 * only in the layer between the server and the application.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("/servlet/hello")
public final class HelloServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private static final byte[] BODY = "Hello, World!".getBytes(StandardCharsets.US_ASCII);

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        // No charset, as the demo's hello: the body is ASCII, and the same header keeps the
        // servlet rows' responses as long as the plain ones.
        response.setContentType("text/plain");
        // Known length: Content-Length rather than chunked framing, as every other row sends.
        response.setContentLength(BODY.length);
        response.getOutputStream().write(BODY);
    }
}

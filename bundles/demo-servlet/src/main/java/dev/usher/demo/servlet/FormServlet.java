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
 * A form at {@code /servlet/form}: {@code GET} shows it, {@code POST} greets the {@code name} it
 * was sent with, {@code Hello, NAME!} as UTF-8 {@code text/plain} ({@code 400} without a name).
 * It exercises what a hello does not: form parameters read from a request body.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("/servlet/form")
public final class FormServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    // No action attribute: the form posts back to the address it was loaded from, wherever a
    // whiteboard context path put it.
    private static final byte[] FORM = String.join("\n",
            "<!DOCTYPE html>",
            "<html lang=\"en\">",
            "<head><meta charset=\"utf-8\"><title>Usher demo form</title></head>",
            "<body>",
            "<form method=\"post\">",
            "<label>Name <input name=\"name\" autofocus></label>",
            "<button>Send</button>",
            "</form>",
            "</body>",
            "</html>",
            "").getBytes(StandardCharsets.UTF_8);

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        write(response, HttpServletResponse.SC_OK, "text/html;charset=UTF-8", FORM);
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        // A browser encodes the fields in the form page's charset (UTF-8), which an
        // application/x-www-form-urlencoded body does not name; the container would assume
        // ISO-8859-1. This must come before the first getParameter.
        if (request.getCharacterEncoding() == null) {
            request.setCharacterEncoding("UTF-8");
        }
        String name = request.getParameter("name");
        if (name == null) {
            write(response, HttpServletResponse.SC_BAD_REQUEST, "text/plain;charset=UTF-8",
                    "Missing form field: name".getBytes(StandardCharsets.UTF_8));
            return;
        }
        write(response, HttpServletResponse.SC_OK, "text/plain;charset=UTF-8",
                ("Hello, " + name + "!").getBytes(StandardCharsets.UTF_8));
    }

    private static void write(HttpServletResponse response, int status, String type, byte[] body)
            throws IOException {
        response.setStatus(status);
        response.setContentType(type);
        // the name is the visitor's text, answered as plain text: no browser may sniff markup in it
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}

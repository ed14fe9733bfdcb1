package dev.usher.servlet;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;

import dev.usher.http1.StatusReasons;


/**
 * Turns a failed call or a {@code sendError} into a response: the context's error page for the
 * exception's class (or a superclass), else for the status, else a short HTML page. An
 * exception's message is not shown to the client (it may hold internals); a
 * {@code sendError} message is, escaped.
 */
final class ErrorPages {

    private ErrorPages() {
    }

    /**
     * Answers a call that threw; rethrows when the response is committed already, so that Usher
     * closes the connection rather than send a corrupted answer.
     */
    static void failed(ContextState context, WhiteboardRequest request, WhiteboardResponse response, Throwable error)
            throws Exception {
        if (response.isCommitted()) {
            if (error instanceof Exception e) {
                throw e;
            }
            throw (Error) error;
        }
        if (error instanceof BadRequestException bad) {
            render(context, request, response, 400, bad.getMessage(), null);
            return;
        }
        context.log().error("Servlet {} failed on {} {}", request.servlet() == null ? "-" : request.servlet().name(),
                request.getMethod(), request.getRequestURI(), error);
        render(context, request, response, 500, null, error);
    }

    /** Answers a pending {@code sendError}. */
    static void sendError(ContextState context, WhiteboardRequest request, WhiteboardResponse response) throws Exception {
        WhiteboardResponse.PendingError pending = response.error();
        render(context, request, response, pending.status(), pending.message(), null);
    }

    private static void render(ContextState context, WhiteboardRequest request, WhiteboardResponse response, int status,
            String message, Throwable error) throws Exception {
        ContextRouting routing = context.runtime().routing();
        ActiveServlet page = null;
        Throwable cause = error;
        if (error != null) {
            page = routing.errorPage(error);
            if (page == null && error instanceof ServletException se && se.getRootCause() != null) {
                cause = se.getRootCause();
                page = routing.errorPage(cause);
            }
        }
        if (page == null) {
            page = routing.errorCodes().get(status);
        }
        response.clearError();
        response.resetBuffer();
        response.setStatus(status);
        if (page != null) {
            Map<String, Object> attributes = new HashMap<>();
            attributes.put(RequestDispatcher.ERROR_STATUS_CODE, status);
            attributes.put(RequestDispatcher.ERROR_MESSAGE, message != null ? message : reason(status));
            attributes.put(RequestDispatcher.ERROR_REQUEST_URI, request.getRequestURI());
            attributes.put(RequestDispatcher.ERROR_SERVLET_NAME, request.servlet() == null ? null : request.servlet().name());
            if (cause != null) {
                attributes.put(RequestDispatcher.ERROR_EXCEPTION, cause);
                attributes.put(RequestDispatcher.ERROR_EXCEPTION_TYPE, cause.getClass());
            }
            HttpServletRequest dispatched = new DispatchedRequest(request, DispatcherType.ERROR, context, page, null, null,
                    attributes);
            List<ActiveFilter> filters = Chain.filters(routing, page, request.path(), DispatcherType.ERROR);
            try {
                Chain.run(filters, page, dispatched, response);
                if (response.error() == null) {
                    return;
                }
                // the error page itself sent an error: answer that one plainly
                status = response.error().status();
                message = response.error().message();
            } catch (IOException | ServletException | RuntimeException e) {
                context.log().error("The error page {} failed", page.name(), e);
                if (response.isCommitted()) {
                    throw e;
                }
                status = 500;
                message = null;
            }
            response.clearError();
            response.reset();
            response.setStatus(status);
        }
        plainPage(response, status, message);
    }

    private static void plainPage(WhiteboardResponse response, int status, String message) throws IOException {
        String reason = reason(status);
        response.setContentType("text/html;charset=UTF-8");
        PrintWriter out = response.getWriter();
        out.print("<!DOCTYPE html>\n<html><head><title>" + status + " " + reason + "</title></head><body><h1>" + status
                + " " + reason + "</h1>");
        if (message != null && !message.isEmpty()) {
            out.print("<p>" + escape(message) + "</p>");
        }
        out.print("</body></html>\n");
    }

    /** The status's reason phrase; a servlet may send any number, Usher's table knows 100-599. */
    private static String reason(int status) {
        return status >= 100 && status <= 599 ? StatusReasons.reason(status) : "Error";
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}

package dev.usher.servlet;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletResponse;

import dev.usher.api.HttpResponse;
import dev.usher.servlet.http.Cookies;
import dev.usher.servlet.http.HeaderParameters;
import dev.usher.servlet.http.HttpDates;

/**
 * {@code HttpServletResponse} on Usher's {@link HttpResponse}. The status and headers are kept
 * here until the response commits (the buffer overflows, a flush, the end of the call), so that
 * {@code reset}, {@code sendError} and error pages work as the Servlet specification says;
 * then they are handed to Usher, which frames the body (with {@code Content-Length} when it is
 * complete at that point) and owns {@code Connection}, {@code Transfer-Encoding}, {@code Date}
 * and {@code Server}.
 */
final class WhiteboardResponse implements HttpServletResponse {

    /** How the body is being written; the Servlet API allows one of the two per response. */
    private enum Output { NONE, STREAM, WRITER }

    /** A {@code sendError} waiting for its error page. */
    record PendingError(int status, String message) {
    }

    private final HttpResponse exchange;
    private final ResponseBody body = new ResponseBody(this);
    private final List<String[]> headers = new ArrayList<>(4);
    private final String defaultEncoding;
    private int status = SC_OK;
    private String contentType;
    private String charset;
    private Locale locale;
    private long contentLength = -1;
    private Output output = Output.NONE;
    private PrintWriter writer;
    private boolean committed;
    private PendingError error;
    private volatile boolean async;

    WhiteboardResponse(HttpResponse exchange, String defaultEncoding) {
        this.exchange = exchange;
        this.defaultEncoding = defaultEncoding;
    }

    HttpResponse exchange() {
        return exchange;
    }

    boolean asyncStarted() {
        return async;
    }

    void asyncStarted(boolean started) {
        async = started;
    }

    /** The {@code sendError} not yet turned into an error page; null for none. */
    PendingError error() {
        return error;
    }

    void clearError() {
        error = null;
        body.reopen();
    }

    /**
     * Hands the head to Usher (once) and returns Usher's body stream.
     */
    OutputStream commit() {
        if (!committed) {
            committed = true;
            exchange.status(status);
            for (String[] header : headers) {
                exchange.addHeader(header[0], header[1]);
            }
            String type = getContentType();
            if (type != null) {
                exchange.setHeader("Content-Type", type);
            }
            if (locale != null && !containsHeader("Content-Language")) {
                exchange.setHeader("Content-Language", locale.toLanguageTag());
            }
            if (contentLength >= 0) {
                exchange.contentLength(contentLength);
            }
        }
        return exchange.body();
    }

    /** Drops every later write to the body: a forward closed the response. */
    void closeBody() {
        body.close(true);
    }

    /** Ends the response: what the writer and the buffer hold goes to Usher, which sends it. */
    void finish() throws IOException {
        if (writer != null) {
            body.takeFrom(writer);
        }
        body.drain();
    }

    @Override
    public void addCookie(Cookie cookie) {
        addHeader("Set-Cookie", Cookies.format(cookie));
    }

    @Override
    public boolean containsHeader(String name) {
        if (name.equalsIgnoreCase("Content-Type")) {
            return contentType != null;
        }
        if (name.equalsIgnoreCase("Content-Length")) {
            return contentLength >= 0;
        }
        for (String[] header : headers) {
            if (header[0].equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String encodeURL(String url) {
        return url;
    }

    @Override
    public String encodeRedirectURL(String url) {
        return url;
    }

    @Override
    public void sendError(int sc, String msg) throws IOException {
        if (committed) {
            throw new IllegalStateException("the response is committed");
        }
        resetBuffer();
        status = sc;
        error = new PendingError(sc, msg);
        body.close(true);
    }

    @Override
    public void sendError(int sc) throws IOException {
        sendError(sc, null);
    }

    @Override
    public void sendRedirect(String location) throws IOException {
        if (committed) {
            throw new IllegalStateException("the response is committed");
        }
        resetBuffer();
        status = SC_FOUND;
        setHeader("Location", location);
        body.close(true);
    }

    @Override
    public void setDateHeader(String name, long date) {
        setHeader(name, HttpDates.format(date));
    }

    @Override
    public void addDateHeader(String name, long date) {
        addHeader(name, HttpDates.format(date));
    }

    @Override
    public void setHeader(String name, String value) {
        if (committed || name == null) {
            return;
        }
        if (special(name, value)) {
            return;
        }
        headers.removeIf(h -> h[0].equalsIgnoreCase(name));
        if (value != null) {
            headers.add(new String[] {name, value});
        }
    }

    @Override
    public void addHeader(String name, String value) {
        if (committed || name == null || value == null) {
            return;
        }
        if (special(name, value)) {
            return;
        }
        headers.add(new String[] {name, value});
    }

    /** Content-Type and Content-Length are the response's properties, not plain fields. */
    private boolean special(String name, String value) {
        if (name.equalsIgnoreCase("Content-Type")) {
            setContentType(value);
            return true;
        }
        if (name.equalsIgnoreCase("Content-Length")) {
            try {
                contentLength = value == null ? -1 : Long.parseLong(value.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("Content-Length: '" + value + "' is not a length");
            }
            return true;
        }
        return false;
    }

    @Override
    public void setIntHeader(String name, int value) {
        setHeader(name, Integer.toString(value));
    }

    @Override
    public void addIntHeader(String name, int value) {
        addHeader(name, Integer.toString(value));
    }

    @Override
    public void setStatus(int sc) {
        if (!committed) {
            status = sc;
        }
    }

    @Override
    public int getStatus() {
        return status;
    }

    @Override
    public String getHeader(String name) {
        if (name.equalsIgnoreCase("Content-Type")) {
            return getContentType();
        }
        if (name.equalsIgnoreCase("Content-Length")) {
            return contentLength < 0 ? null : Long.toString(contentLength);
        }
        for (String[] header : headers) {
            if (header[0].equalsIgnoreCase(name)) {
                return header[1];
            }
        }
        return null;
    }

    @Override
    public Collection<String> getHeaders(String name) {
        List<String> values = new ArrayList<>();
        if (name.equalsIgnoreCase("Content-Type") || name.equalsIgnoreCase("Content-Length")) {
            String value = getHeader(name);
            return value == null ? values : List.of(value);
        }
        for (String[] header : headers) {
            if (header[0].equalsIgnoreCase(name)) {
                values.add(header[1]);
            }
        }
        return values;
    }

    @Override
    public Collection<String> getHeaderNames() {
        LinkedHashSet<String> names = new LinkedHashSet<>();
        for (String[] header : headers) {
            names.add(header[0]);
        }
        if (contentType != null) {
            names.add("Content-Type");
        }
        if (contentLength >= 0) {
            names.add("Content-Length");
        }
        return names;
    }

    @Override
    public String getCharacterEncoding() {
        if (charset != null) {
            return charset;
        }
        return defaultEncoding != null ? defaultEncoding : StandardCharsets.ISO_8859_1.name();
    }

    @Override
    public String getContentType() {
        if (contentType == null) {
            return null;
        }
        if (charset != null || (output == Output.WRITER && contentType.startsWith("text/"))) {
            return contentType + ";charset=" + getCharacterEncoding();
        }
        return contentType;
    }

    @Override
    public ServletOutputStream getOutputStream() {
        if (output == Output.WRITER) {
            throw new IllegalStateException("getWriter was called already");
        }
        output = Output.STREAM;
        return body;
    }

    @Override
    public PrintWriter getWriter() {
        if (output == Output.STREAM) {
            throw new IllegalStateException("getOutputStream was called already");
        }
        if (writer == null) {
            output = Output.WRITER;
            writer = new PrintWriter(new OutputStreamWriter(body, Charset.forName(getCharacterEncoding())), false);
        }
        return writer;
    }

    @Override
    public void setCharacterEncoding(String encoding) {
        if (committed || output == Output.WRITER) {
            return;
        }
        if (encoding != null) {
            Charset.forName(encoding);
        }
        charset = encoding;
    }

    @Override
    public void setContentLength(int length) {
        setContentLengthLong(length);
    }

    @Override
    public void setContentLengthLong(long length) {
        if (!committed) {
            contentLength = length;
        }
    }

    @Override
    public void setContentType(String type) {
        if (committed) {
            return;
        }
        if (type == null) {
            contentType = null; // an encoding set apart stays
            return;
        }
        int semicolon = type.indexOf(';');
        if (semicolon < 0) {
            contentType = type.trim();
            return;
        }
        contentType = type.substring(0, semicolon).trim();
        String charsetParameter = HeaderParameters.parse(type).parameter("charset");
        if (charsetParameter != null) {
            setCharacterEncoding(charsetParameter);
        }
    }

    @Override
    public void setBufferSize(int size) {
        if (committed || body.written() > 0) {
            throw new IllegalStateException("content was written already");
        }
        body.bufferSize(size);
    }

    @Override
    public int getBufferSize() {
        return body.bufferSize();
    }

    @Override
    public void flushBuffer() throws IOException {
        if (writer != null) {
            writer.flush();
        }
        body.flush();
    }

    @Override
    public void resetBuffer() {
        if (committed) {
            throw new IllegalStateException("the response is committed");
        }
        if (writer != null) {
            try {
                body.takeFrom(writer);
            } catch (IOException e) {
                // nothing reaches the client before a commit: the buffer is dropped anyway
            }
        }
        body.reset();
    }

    @Override
    public boolean isCommitted() {
        return committed;
    }

    @Override
    public void reset() {
        resetBuffer();
        status = SC_OK;
        headers.clear();
        contentType = null;
        charset = null;
        locale = null;
        contentLength = -1;
        output = Output.NONE;
        writer = null;
    }

    @Override
    public void setLocale(Locale loc) {
        if (!committed && loc != null) {
            locale = loc;
        }
    }

    @Override
    public Locale getLocale() {
        return locale != null ? locale : Locale.getDefault();
    }
}

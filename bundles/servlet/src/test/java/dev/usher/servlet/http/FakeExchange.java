package dev.usher.servlet.http;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.MappingMatch;

import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.TreeMap;

/**
 * A request and its response for calling a servlet without a container: the request answers
 * the few questions set on it, the response records status, headers and body. Any other call
 * fails the test, so a servlet cannot rely on what is not faked.
 */
final class FakeExchange {

    private final String method;
    private final MappingMatch match;
    private final String servletPath;
    private final String pathInfo;
    final Map<String, String> requestHeaders = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

    int status = HttpServletResponse.SC_OK;
    boolean errorSent;
    final Map<String, String> responseHeaders = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    final ByteArrayOutputStream body = new ByteArrayOutputStream();

    /** A request for {@code method} that its servlet's pattern matched as {@code match} says. */
    FakeExchange(String method, MappingMatch match, String servletPath, String pathInfo) {
        this.method = method;
        this.match = match;
        this.servletPath = servletPath;
        this.pathInfo = pathInfo;
    }

    /** Sets a request header. */
    FakeExchange header(String name, String value) {
        requestHeaders.put(name, value);
        return this;
    }

    /** The response header {@code name}, or null. */
    String header(String name) {
        return responseHeaders.get(name);
    }

    HttpServletRequest request() {
        HttpServletMapping mapping = new Mapping(match);
        return (HttpServletRequest) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, called, args) -> switch (called.getName()) {
                    case "getMethod" -> method;
                    case "getServletPath" -> servletPath;
                    case "getPathInfo" -> pathInfo;
                    case "getHttpServletMapping" -> mapping;
                    case "getHeader" -> requestHeaders.get((String) args[0]);
                    case "toString" -> "request " + method + " " + servletPath + " " + pathInfo;
                    default -> throw new UnsupportedOperationException("request." + called.getName());
                });
    }

    HttpServletResponse response() {
        ServletOutputStream out = new ServletOutputStream() {
            @Override
            public void write(int b) {
                body.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                body.write(b, off, len);
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setWriteListener(WriteListener listener) {
                throw new UnsupportedOperationException();
            }
        };
        return (HttpServletResponse) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {HttpServletResponse.class}, (proxy, called, args) -> {
                    switch (called.getName()) {
                        case "setStatus" -> status = (Integer) args[0];
                        case "sendError" -> {
                            if (errorSent) {
                                throw new IllegalStateException("sendError twice");
                            }
                            errorSent = true;
                            status = (Integer) args[0];
                        }
                        case "setHeader" -> responseHeaders.put((String) args[0], (String) args[1]);
                        case "setContentType" -> responseHeaders.put("Content-Type", (String) args[0]);
                        case "setContentLengthLong" -> responseHeaders.put("Content-Length", args[0].toString());
                        case "getOutputStream" -> {
                            return out;
                        }
                        case "toString" -> {
                            return "response " + status;
                        }
                        default -> throw new UnsupportedOperationException("response." + called.getName());
                    }
                    return null;
                });
    }

    private record Mapping(MappingMatch getMappingMatch) implements HttpServletMapping {

        @Override
        public String getMatchValue() {
            return "";
        }

        @Override
        public String getPattern() {
            return "";
        }

        @Override
        public String getServletName() {
            return "resources";
        }
    }
}

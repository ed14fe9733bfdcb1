package dev.usher.servlet;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

import dev.usher.servlet.http.Parameters;

/**
 * A request as a forward, an include, an error page or an asynchronous dispatch presents it
 * (Servlet 6.0, 9.3-9.4, 10.9): the dispatch type, the target's paths (forward, async), the
 * {@code jakarta.servlet.forward.*}/{@code include.*}/{@code error.*} attributes, and the
 * dispatch's query parameters ahead of the request's own.
 */
final class DispatchedRequest extends HttpServletRequestWrapper {

    private final DispatcherType type;
    private final ContextState context;
    private final ServletContext view;
    private final ServletPattern.Match match;
    private final HttpServletMapping mapping;
    private final String requestUri;
    private final String query;
    private final Map<String, Object> special;
    private Map<String, String[]> parameters;

    /**
     * @param target where it is dispatched: its servlet's context, the path within the context
     *     and the pattern's match; null for an error dispatch, which keeps the request's paths
     * @param query the dispatch path's query; null for none
     * @param special the attributes the dispatch type defines, read before the request's own
     */
    DispatchedRequest(HttpServletRequest request, DispatcherType type, ContextState context, ActiveServlet servlet,
            Target target, String query, Map<String, Object> special) {
        super(request);
        this.type = type;
        this.context = context;
        this.view = servlet == null ? request.getServletContext() : servlet.context();
        boolean movesPaths = target != null && (type == DispatcherType.FORWARD || type == DispatcherType.ASYNC);
        this.match = movesPaths ? target.match() : null;
        this.mapping = movesPaths ? WhiteboardRequest.mapping(target.pattern(), target.match(),
                servlet == null ? "" : servlet.name()) : null;
        this.requestUri = movesPaths ? request.getContextPath() + encodePath(target.path()) : null;
        this.query = query;
        this.special = special;
    }

    /** A dispatch's destination: the path within the context and how a pattern matched it. */
    record Target(String path, ServletPattern pattern, ServletPattern.Match match) {
    }

    @Override
    public DispatcherType getDispatcherType() {
        return type;
    }

    @Override
    public ServletContext getServletContext() {
        return view;
    }

    @Override
    public String getServletPath() {
        return match != null ? match.servletPath() : super.getServletPath();
    }

    @Override
    public String getPathInfo() {
        return match != null ? match.pathInfo() : super.getPathInfo();
    }

    @Override
    public String getRequestURI() {
        return requestUri != null ? requestUri : super.getRequestURI();
    }

    @Override
    public StringBuffer getRequestURL() {
        if (requestUri == null) {
            return super.getRequestURL();
        }
        StringBuffer url = super.getRequestURL();
        String original = super.getRequestURI();
        url.setLength(url.length() - original.length());
        return url.append(requestUri);
    }

    @Override
    public HttpServletMapping getHttpServletMapping() {
        return mapping != null ? mapping : super.getHttpServletMapping();
    }

    @Override
    public String getQueryString() {
        if (query != null && (type == DispatcherType.FORWARD || type == DispatcherType.ASYNC)) {
            return query;
        }
        return super.getQueryString();
    }

    @Override
    public Object getAttribute(String name) {
        if (special.containsKey(name)) {
            return special.get(name);
        }
        return super.getAttribute(name);
    }

    @Override
    public Enumeration<String> getAttributeNames() {
        LinkedHashSet<String> names = new LinkedHashSet<>(special.keySet());
        names.removeIf(name -> special.get(name) == null);
        names.addAll(Collections.list(super.getAttributeNames()));
        return Collections.enumeration(names);
    }

    @Override
    public RequestDispatcher getRequestDispatcher(String path) {
        return Dispatch.forRelativePath(context, this, path);
    }

    private Map<String, String[]> parameters() {
        if (parameters == null) {
            if (query == null || query.isEmpty()) {
                parameters = super.getParameterMap();
            } else {
                Map<String, List<String>> merged = new LinkedHashMap<>();
                try {
                    Parameters.parse(query, StandardCharsets.UTF_8, merged, WhiteboardRequest.MAX_PARAMETERS);
                } catch (IllegalArgumentException | IllegalStateException e) {
                    throw new IllegalArgumentException("dispatch query: " + e.getMessage(), e);
                }
                super.getParameterMap().forEach((name, values) ->
                        merged.computeIfAbsent(name, k -> new ArrayList<>()).addAll(List.of(values)));
                parameters = Parameters.toArrays(merged);
            }
        }
        return parameters;
    }

    @Override
    public String getParameter(String name) {
        String[] values = parameters().get(name);
        return values == null || values.length == 0 ? null : values[0];
    }

    @Override
    public Map<String, String[]> getParameterMap() {
        return parameters();
    }

    @Override
    public Enumeration<String> getParameterNames() {
        return Collections.enumeration(parameters().keySet());
    }

    @Override
    public String[] getParameterValues(String name) {
        String[] values = parameters().get(name);
        return values == null ? null : values.clone();
    }

    /** The attributes a forward sets: the request's paths as they were before it. */
    static Map<String, Object> forwardAttributes(HttpServletRequest request) {
        if (request.getAttribute(RequestDispatcher.FORWARD_REQUEST_URI) != null) {
            return Map.of(); // a forward of a forward keeps the first one's
        }
        Map<String, Object> attributes = new HashMap<>();
        attributes.put(RequestDispatcher.FORWARD_REQUEST_URI, request.getRequestURI());
        attributes.put(RequestDispatcher.FORWARD_CONTEXT_PATH, request.getContextPath());
        attributes.put(RequestDispatcher.FORWARD_SERVLET_PATH, request.getServletPath());
        attributes.put(RequestDispatcher.FORWARD_PATH_INFO, request.getPathInfo());
        attributes.put(RequestDispatcher.FORWARD_QUERY_STRING, request.getQueryString());
        attributes.put(RequestDispatcher.FORWARD_MAPPING, request.getHttpServletMapping());
        return attributes;
    }

    /** The attributes an include sets: the included target's paths. */
    static Map<String, Object> includeAttributes(HttpServletRequest request, Target target, String query,
            String servletName) {
        Map<String, Object> attributes = new HashMap<>();
        attributes.put(RequestDispatcher.INCLUDE_REQUEST_URI, request.getContextPath() + encodePath(target.path()));
        attributes.put(RequestDispatcher.INCLUDE_CONTEXT_PATH, request.getContextPath());
        attributes.put(RequestDispatcher.INCLUDE_SERVLET_PATH, target.match().servletPath());
        attributes.put(RequestDispatcher.INCLUDE_PATH_INFO, target.match().pathInfo());
        attributes.put(RequestDispatcher.INCLUDE_QUERY_STRING, query);
        attributes.put(RequestDispatcher.INCLUDE_MAPPING,
                WhiteboardRequest.mapping(target.pattern(), target.match(), servletName));
        return attributes;
    }

    /** Percent-encodes what may not stand in a path as is. */
    static String encodePath(String path) {
        StringBuilder out = null;
        byte[] bytes = path.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xff;
            boolean plain = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9')
                    || "/-._~!$&'()*+,;=:@".indexOf(b) >= 0;
            if (!plain && out == null) {
                out = new StringBuilder(new String(bytes, 0, i, StandardCharsets.UTF_8));
            }
            if (out != null) {
                if (plain) {
                    out.append((char) b);
                } else {
                    out.append('%').append(Character.toUpperCase(Character.forDigit(b >> 4, 16)))
                            .append(Character.toUpperCase(Character.forDigit(b & 15, 16)));
                }
            }
        }
        return out == null ? path : out.toString();
    }
}

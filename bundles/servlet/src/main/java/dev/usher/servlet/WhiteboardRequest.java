package dev.usher.servlet;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UnsupportedEncodingException;
import java.lang.reflect.Method;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ReadListener;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletConnection;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestAttributeEvent;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpUpgradeHandler;
import jakarta.servlet.http.MappingMatch;
import jakarta.servlet.http.Part;

import org.osgi.service.servlet.context.ServletContextHelper;

import dev.usher.api.HeaderFields;
import dev.usher.api.HttpRequest;
import dev.usher.servlet.http.Cookies;
import dev.usher.servlet.http.HeaderParameters;
import dev.usher.servlet.http.HttpDates;
import dev.usher.servlet.http.MultipartForm;
import dev.usher.servlet.http.MultipartLimits;
import dev.usher.servlet.http.Parameters;
import dev.usher.servlet.http.UploadedPart;

/**
 * {@code HttpServletRequest} on Usher's {@link HttpRequest}, as the request first reaches its
 * context. The paths are the Servlet specification's: the context path is {@code url_prefix}
 * and the context's path, the servlet path and path info come from the pattern that matched. Forwards, includes and error pages see it through wrappers
 * ({@link DispatchedRequest}) that change what those dispatches change.
 */
final class WhiteboardRequest implements HttpServletRequest {

    /** The most form parameters a request may carry: beyond it, 400 (hash flooding). */
    static final int MAX_PARAMETERS = 10_000;

    private static final AtomicLong IDS = new AtomicLong();

    private final HttpRequest exchange;
    private final WhiteboardResponse response;
    private final ContextState context;
    private final BundleServletContext view;
    private final ActiveServlet servlet;
    private final String contextPath;
    private final String path;
    private final ServletPattern.Match match;
    private final ServletPattern pattern;
    private long id;
    private Map<String, Object> attributes;
    private Map<String, String[]> parameters;
    private String characterEncoding;
    private HeaderParameters contentType;
    private boolean encodingRead;
    private Input input = Input.NONE;
    private BufferedReader reader;
    private WhiteboardSession session;
    private boolean sessionLooked;
    private MultipartForm multipart;
    private boolean asyncSupported;
    private AsyncState async;

    /** How the body is being read: the Servlet API allows one of the two per request. */
    private enum Input { NONE, STREAM, READER }

    /**
     * @param servlet the servlet it goes to; null when no servlet matched (the request then only
     *     reaches a 404 error page)
     * @param contextPath what {@code getContextPath} reports: {@code url_prefix} and the context's path
     * @param path the decoded path within the context ({@code /} for its root)
     */
    WhiteboardRequest(HttpRequest exchange, WhiteboardResponse response, ContextState context,
            BundleServletContext view, ActiveServlet servlet, String contextPath, String path,
            ServletMappings.Resolved<ActiveServlet> resolved) {
        this.exchange = exchange;
        this.response = response;
        this.context = context;
        this.view = view;
        this.servlet = servlet;
        this.contextPath = contextPath;
        this.path = path;
        this.match = resolved == null ? new ServletPattern.Match(path, null) : resolved.match();
        this.pattern = resolved == null ? null : resolved.pattern();
    }

    HttpRequest exchange() {
        return exchange;
    }

    WhiteboardResponse response() {
        return response;
    }

    ContextState context() {
        return context;
    }

    ActiveServlet servlet() {
        return servlet;
    }

    /** The decoded path within the context. */
    String path() {
        return path;
    }

    void asyncSupported(boolean supported) {
        asyncSupported = supported;
    }

    /** The asynchronous state; null until {@code startAsync}. */
    AsyncState async() {
        return async;
    }

    /** Deletes what a multipart request left on disk. */
    void cleanUp() {
        if (multipart != null) {
            try {
                multipart.close();
            } catch (IOException e) {
                context.log().warn("Could not delete a multipart request's files", e);
            }
        }
    }

    // ---- attributes

    @Override
    public Object getAttribute(String name) {
        if (name.equals("jakarta.servlet.request.X509Certificate")) {
            List<X509Certificate> chain = exchange.clientCertificates();
            return chain.isEmpty() ? null : chain.toArray(new X509Certificate[0]);
        }
        return attributes == null ? null : attributes.get(name);
    }

    @Override
    public Enumeration<String> getAttributeNames() {
        return Collections.enumeration(attributes == null ? List.of() : new ArrayList<>(attributes.keySet()));
    }

    @Override
    public void setAttribute(String name, Object value) {
        if (value == null) {
            removeAttribute(name);
            return;
        }
        if (attributes == null) {
            attributes = new HashMap<>();
        }
        Object old = attributes.put(name, value);
        ContextListeners listeners = context.listeners();
        if (!listeners.requestAttributes.isEmpty()) {
            ServletRequestAttributeEvent event = new ServletRequestAttributeEvent(view, this, name, old == null ? value : old);
            listeners.fire(listeners.requestAttributes, l -> {
                if (old == null) {
                    l.attributeAdded(event);
                } else {
                    l.attributeReplaced(event);
                }
            });
        }
    }

    @Override
    public void removeAttribute(String name) {
        Object old = attributes == null ? null : attributes.remove(name);
        ContextListeners listeners = context.listeners();
        if (old != null && !listeners.requestAttributes.isEmpty()) {
            ServletRequestAttributeEvent event = new ServletRequestAttributeEvent(view, this, name, old);
            listeners.fire(listeners.requestAttributes, l -> l.attributeRemoved(event));
        }
    }

    // ---- head

    @Override
    public String getMethod() {
        return exchange.method();
    }

    @Override
    public String getProtocol() {
        return exchange.protocol();
    }

    @Override
    public String getScheme() {
        return exchange.scheme();
    }

    @Override
    public String getServerName() {
        return exchange.host();
    }

    @Override
    public int getServerPort() {
        return exchange.port();
    }

    @Override
    public String getRemoteAddr() {
        return exchange.remoteAddress();
    }

    @Override
    public String getRemoteHost() {
        return exchange.remoteAddress();
    }

    @Override
    public int getRemotePort() {
        return exchange.remotePort();
    }

    @Override
    public String getLocalName() {
        return exchange.host();
    }

    @Override
    public String getLocalAddr() {
        return exchange.host();
    }

    @Override
    public int getLocalPort() {
        return exchange.port();
    }

    @Override
    public boolean isSecure() {
        return "https".equals(exchange.scheme());
    }

    @Override
    public String getHeader(String name) {
        return exchange.headers().first(name).orElse(null);
    }

    @Override
    public Enumeration<String> getHeaders(String name) {
        return Collections.enumeration(exchange.headers().all(name));
    }

    @Override
    public Enumeration<String> getHeaderNames() {
        HeaderFields headers = exchange.headers();
        LinkedHashSet<String> names = new LinkedHashSet<>();
        for (int i = 0; i < headers.size(); i++) {
            names.add(headers.name(i));
        }
        return Collections.enumeration(names);
    }

    @Override
    public long getDateHeader(String name) {
        String value = getHeader(name);
        if (value == null) {
            return -1;
        }
        long date = HttpDates.parse(value);
        if (date < 0) {
            throw new IllegalArgumentException(name + ": '" + value + "' is not a date");
        }
        return date;
    }

    @Override
    public int getIntHeader(String name) {
        String value = getHeader(name);
        return value == null ? -1 : Integer.parseInt(value.trim());
    }

    @Override
    public Cookie[] getCookies() {
        List<String> values = exchange.headers().all("Cookie");
        if (values.isEmpty()) {
            return null;
        }
        Cookie[] cookies = Cookies.parse(values);
        return cookies.length == 0 ? null : cookies;
    }

    @Override
    public Locale getLocale() {
        return getLocales().nextElement();
    }

    @Override
    public Enumeration<Locale> getLocales() {
        String header = getHeader("Accept-Language");
        List<Locale> locales = new ArrayList<>();
        if (header != null) {
            try {
                for (Locale.LanguageRange range : Locale.LanguageRange.parse(header)) {
                    if (range.getWeight() > 0 && !range.getRange().equals("*")) {
                        locales.add(Locale.forLanguageTag(range.getRange()));
                    }
                }
            } catch (IllegalArgumentException e) {
                // a malformed Accept-Language is ignored, as if absent
            }
        }
        if (locales.isEmpty()) {
            locales.add(Locale.getDefault());
        }
        return Collections.enumeration(locales);
    }

    // ---- paths

    @Override
    public String getRequestURI() {
        String target = exchange.target();
        int start = 0;
        if (!target.startsWith("/")) {
            // absolute-form (a proxy's request): the path starts after the authority
            int scheme = target.indexOf("://");
            start = scheme < 0 ? 0 : target.indexOf('/', scheme + 3);
            if (start < 0) {
                return "/";
            }
        }
        int query = target.indexOf('?', start);
        return query < 0 ? target.substring(start) : target.substring(start, query);
    }

    @Override
    public StringBuffer getRequestURL() {
        StringBuffer url = new StringBuffer();
        String scheme = getScheme();
        int port = getServerPort();
        url.append(scheme).append("://").append(getServerName());
        if (!(scheme.equals("http") && port == 80) && !(scheme.equals("https") && port == 443)) {
            url.append(':').append(port);
        }
        return url.append(getRequestURI());
    }

    @Override
    public String getContextPath() {
        return contextPath;
    }

    @Override
    public String getServletPath() {
        return match.servletPath();
    }

    @Override
    public String getPathInfo() {
        return match.pathInfo();
    }

    @Override
    public String getPathTranslated() {
        String info = getPathInfo();
        return info == null ? null : view.getRealPath(info);
    }

    @Override
    public String getQueryString() {
        String query = exchange.query();
        return query.isEmpty() ? null : query;
    }

    @Override
    public HttpServletMapping getHttpServletMapping() {
        return mapping(pattern, match, servlet == null ? "" : servlet.name());
    }

    /** The mapping a pattern's match makes, as {@code getHttpServletMapping} reports it. */
    static HttpServletMapping mapping(ServletPattern pattern, ServletPattern.Match match, String servletName) {
        MappingMatch kind;
        String value;
        if (pattern instanceof ServletPattern.ContextRoot) {
            kind = MappingMatch.CONTEXT_ROOT;
            value = "";
        } else if (pattern instanceof ServletPattern.DefaultServlet) {
            kind = MappingMatch.DEFAULT;
            value = "";
        } else if (pattern instanceof ServletPattern.PathPrefix) {
            kind = MappingMatch.PATH;
            String info = match.pathInfo();
            value = info == null ? "" : info.substring(1);
        } else if (pattern instanceof ServletPattern.Extension x) {
            kind = MappingMatch.EXTENSION;
            String servletPath = match.servletPath();
            value = servletPath.substring(1, servletPath.length() - x.extension().length() - 1);
        } else {
            kind = MappingMatch.EXACT;
            value = match.servletPath().substring(1);
        }
        String text = pattern == null ? "" : pattern.text();
        return new HttpServletMapping() {
            @Override
            public String getMatchValue() {
                return value;
            }

            @Override
            public String getPattern() {
                return text;
            }

            @Override
            public String getServletName() {
                return servletName;
            }

            @Override
            public MappingMatch getMappingMatch() {
                return kind;
            }
        };
    }

    // ---- parameters and body

    @Override
    public String getCharacterEncoding() {
        if (!encodingRead) {
            encodingRead = true;
            String type = getContentType();
            String fromType = type == null ? null : contentType().parameter("charset");
            if (fromType != null && fromType.isEmpty()) {
                fromType = null;
            }
            characterEncoding = fromType != null ? fromType : context.requestEncoding();
        }
        return characterEncoding;
    }

    @Override
    public void setCharacterEncoding(String env) throws UnsupportedEncodingException {
        if (input == Input.READER || parameters != null) {
            return;
        }
        if (env != null && !Charset.isSupported(env)) {
            throw new UnsupportedEncodingException(env);
        }
        encodingRead = true;
        characterEncoding = env;
    }

    private Charset charset() {
        String name = getCharacterEncoding();
        try {
            return name == null ? StandardCharsets.UTF_8 : Charset.forName(name);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException("unknown character encoding '" + name + "'");
        }
    }

    /** The {@code Content-Type}'s media type and parameters, read once; call only when the request has one. */
    private HeaderParameters contentType() {
        if (contentType == null) {
            contentType = HeaderParameters.parse(getContentType());
        }
        return contentType;
    }

    @Override
    public int getContentLength() {
        long length = exchange.bodyLength();
        return length > Integer.MAX_VALUE ? -1 : (int) length;
    }

    @Override
    public long getContentLengthLong() {
        return exchange.bodyLength();
    }

    @Override
    public String getContentType() {
        return getHeader("Content-Type");
    }

    @Override
    public ServletInputStream getInputStream() {
        if (input == Input.READER) {
            throw new IllegalStateException("getReader was called already");
        }
        input = Input.STREAM;
        return new RequestBody(exchange.body(), this);
    }

    @Override
    public BufferedReader getReader() {
        if (input == Input.STREAM) {
            throw new IllegalStateException("getInputStream was called already");
        }
        if (reader == null) {
            input = Input.READER;
            String name = getCharacterEncoding();
            reader = new BufferedReader(new InputStreamReader(exchange.body(),
                    name == null ? StandardCharsets.ISO_8859_1 : charset()));
        }
        return reader;
    }

    private Map<String, String[]> parameters() {
        if (parameters == null) {
            Map<String, List<String>> all = new LinkedHashMap<>();
            try {
                Parameters.parse(exchange.query(), charset(), all, MAX_PARAMETERS);
                String type = getContentType();
                if (input == Input.NONE && type != null && contentType().value().equals("application/x-www-form-urlencoded")) {
                    input = Input.STREAM;
                    Parameters.parse(exchange.body(), charset(), all, MAX_PARAMETERS, -1);
                } else if (type != null && contentType().value().equals("multipart/form-data") && servlet != null
                        && servlet.multipart() != null) {
                    for (Part part : getParts()) {
                        if (part.getSubmittedFileName() == null && part instanceof UploadedPart uploaded) {
                            all.computeIfAbsent(part.getName(), k -> new ArrayList<>()).add(uploaded.text(charset()));
                        }
                    }
                }
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw new BadRequestException(e.getMessage());
            } catch (IOException | ServletException e) {
                throw new BadRequestException("unreadable form: " + e.getMessage());
            }
            parameters = Parameters.toArrays(all);
        }
        return parameters;
    }

    @Override
    public String getParameter(String name) {
        String[] values = parameters().get(name);
        return values == null || values.length == 0 ? null : values[0];
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

    @Override
    public Map<String, String[]> getParameterMap() {
        return parameters();
    }

    @Override
    public Collection<Part> getParts() throws IOException, ServletException {
        if (multipart == null) {
            String type = getContentType();
            if (type == null || !contentType().value().equals("multipart/form-data")) {
                throw new ServletException("not a multipart/form-data request");
            }
            WhiteboardService.MultipartSettings settings = servlet == null ? null : servlet.multipart();
            if (settings == null) {
                throw new IllegalStateException("multipart is not enabled for this servlet ("
                        + org.osgi.service.servlet.whiteboard.HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_MULTIPART_ENABLED + ")");
            }
            if (input != Input.NONE) {
                throw new IllegalStateException("the body was read already");
            }
            input = Input.STREAM;
            multipart = MultipartForm.read(exchange.body(), type, charset(), new MultipartLimits(settings.location(),
                    settings.maxFileSize(), settings.maxRequestSize(), settings.fileSizeThreshold()));
        }
        return multipart.parts();
    }

    @Override
    public Part getPart(String name) throws IOException, ServletException {
        getParts();
        return multipart.part(name);
    }

    // ---- sessions

    private String cookieSessionId() {
        Cookie[] cookies = getCookies();
        if (cookies != null) {
            String name = context.sessions().cookieConfig().getName();
            for (Cookie cookie : cookies) {
                if (cookie.getName().equals(name)) {
                    return cookie.getValue();
                }
            }
        }
        return null;
    }

    @Override
    public HttpSession getSession(boolean create) {
        if (session != null && session.valid()) {
            return session;
        }
        long now = System.currentTimeMillis();
        if (!sessionLooked) {
            sessionLooked = true;
            session = context.sessions().find(context, cookieSessionId(), now);
            if (session != null) {
                return session;
            }
        }
        if (!create) {
            return null;
        }
        if (response.isCommitted()) {
            throw new IllegalStateException("a session cannot start once the response is committed");
        }
        session = context.sessions().create(context, view, cookieSessionId(), now);
        response.addCookie(context.sessions().cookieConfig().cookie(session.getId(), isSecure()));
        return session;
    }

    @Override
    public HttpSession getSession() {
        return getSession(true);
    }

    @Override
    public String changeSessionId() {
        HttpSession current = getSession(false);
        if (current == null) {
            throw new IllegalStateException("no session");
        }
        String id = context.sessions().changeId((WhiteboardSession) current);
        response.addCookie(context.sessions().cookieConfig().cookie(id, isSecure()));
        return id;
    }

    @Override
    public String getRequestedSessionId() {
        return cookieSessionId();
    }

    @Override
    public boolean isRequestedSessionIdValid() {
        String requested = cookieSessionId();
        HttpSession current = getSession(false);
        return requested != null && current != null && requested.equals(current.getId());
    }

    @Override
    public boolean isRequestedSessionIdFromCookie() {
        return cookieSessionId() != null;
    }

    @Override
    public boolean isRequestedSessionIdFromURL() {
        return false;
    }

    // ---- security: what the context helper's handleSecurity established (Compendium 140.8)

    @Override
    public String getAuthType() {
        Object type = getAttribute(ServletContextHelper.AUTHENTICATION_TYPE);
        return type == null ? null : type.toString();
    }

    @Override
    public String getRemoteUser() {
        Object user = getAttribute(ServletContextHelper.REMOTE_USER);
        return user == null ? null : user.toString();
    }

    @Override
    public Principal getUserPrincipal() {
        String user = getRemoteUser();
        return user == null ? null : () -> user;
    }

    @Override
    public boolean isUserInRole(String role) {
        // an org.osgi.service.useradmin.Authorization, asked without importing User Admin
        Object authorization = getAttribute(ServletContextHelper.AUTHORIZATION);
        if (authorization == null) {
            return false;
        }
        try {
            Method hasRole = authorization.getClass().getMethod("hasRole", String.class);
            return Boolean.TRUE.equals(hasRole.invoke(authorization, role));
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }

    @Override
    public boolean authenticate(HttpServletResponse response) throws ServletException {
        return getRemoteUser() != null;
    }

    @Override
    public void login(String username, String password) throws ServletException {
        throw new ServletException("login is the context helper's handleSecurity in the whiteboard");
    }

    @Override
    public void logout() {
        removeAttribute(ServletContextHelper.REMOTE_USER);
        removeAttribute(ServletContextHelper.AUTHENTICATION_TYPE);
        removeAttribute(ServletContextHelper.AUTHORIZATION);
    }

    // ---- dispatching and async

    @Override
    public RequestDispatcher getRequestDispatcher(String path) {
        return Dispatch.forRelativePath(context, this, path);
    }

    @Override
    public ServletContext getServletContext() {
        return view;
    }

    @Override
    public DispatcherType getDispatcherType() {
        return DispatcherType.REQUEST;
    }

    @Override
    public AsyncContext startAsync() {
        return startAsync(this, response);
    }

    @Override
    public AsyncContext startAsync(ServletRequest request, ServletResponse response) {
        if (!asyncSupported) {
            throw new IllegalStateException("a servlet or filter of this request does not support async "
                    + "(osgi.http.whiteboard.servlet.asyncSupported / filter.asyncSupported)");
        }
        if (async == null) {
            async = new AsyncState(this, this.response);
        }
        async.start(request, response);
        return async;
    }

    @Override
    public boolean isAsyncStarted() {
        return async != null && async.started();
    }

    @Override
    public boolean isAsyncSupported() {
        return asyncSupported;
    }

    @Override
    public AsyncContext getAsyncContext() {
        if (!isAsyncStarted()) {
            throw new IllegalStateException("the request is not in asynchronous mode");
        }
        return async;
    }

    @Override
    public <T extends HttpUpgradeHandler> T upgrade(Class<T> handlerClass) throws ServletException {
        throw new ServletException("protocol upgrades are not supported");
    }

    @Override
    public String getRequestId() {
        // numbered when asked, so that requests that never ask share no counter
        if (id == 0) {
            id = IDS.incrementAndGet();
        }
        return Long.toString(id);
    }

    @Override
    public String getProtocolRequestId() {
        return "";
    }

    @Override
    public ServletConnection getServletConnection() {
        boolean secure = isSecure();
        String protocol = exchange.protocol().equals("HTTP/1.0") ? "http/1.0" : "http/1.1";
        String remote = exchange.remoteAddress() + ":" + exchange.remotePort();
        return new ServletConnection() {
            @Override
            public String getConnectionId() {
                return remote;
            }

            @Override
            public String getProtocol() {
                return protocol;
            }

            @Override
            public String getProtocolConnectionId() {
                return "";
            }

            @Override
            public boolean isSecure() {
                return secure;
            }
        };
    }

    @Override
    public Map<String, String> getTrailerFields() {
        return Map.of();
    }

    @Override
    public boolean isTrailerFieldsReady() {
        return true;
    }

    /** The request body as a {@code ServletInputStream}; Usher has the whole body by the time the servlet runs. */
    private static final class RequestBody extends ServletInputStream {
        private final InputStream in;
        private final WhiteboardRequest request;
        private boolean finished;

        RequestBody(InputStream in, WhiteboardRequest request) {
            this.in = in;
            this.request = request;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            finished = b < 0;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            finished = n < 0;
            return n;
        }

        @Override
        public int available() throws IOException {
            return in.available();
        }

        @Override
        public boolean isFinished() {
            return finished;
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setReadListener(ReadListener listener) {
            if (!request.isAsyncStarted()) {
                throw new IllegalStateException("setReadListener needs an asynchronous request");
            }
            // the body is all here already: it can be read at once, without blocking
            try {
                listener.onDataAvailable();
                listener.onAllDataRead();
            } catch (IOException | RuntimeException e) {
                listener.onError(e);
            }
        }
    }
}

package dev.usher.servlet;

import static org.osgi.service.servlet.whiteboard.HttpWhiteboardConstants.*;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import jakarta.servlet.DispatcherType;

import org.osgi.framework.Filter;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * A whiteboard service as its properties describe it, read and checked once: a context, a
 * servlet, a filter, a resource, a listener or a preprocessor. A service whose properties
 * change is read again into a new value, so equal values mean nothing changed.
 */
sealed interface WhiteboardService {

    /** The name of the default context, which serves what selects no other. */
    String DEFAULT_SELECT = "(" + HTTP_WHITEBOARD_CONTEXT_NAME + "=" + HTTP_WHITEBOARD_DEFAULT_CONTEXT_NAME + ")";

    /** The service. */
    ServiceReference<?> reference();

    /** The service's id. */
    default long id() {
        return ServiceProperties.id(reference());
    }

    /** Which contexts it joins; null for a context or a preprocessor, which join none. */
    Filter select();

    /**
     * Reads {@code reference} as {@code kind}.
     *
     * @throws InvalidServiceException when its properties break the specification's rules
     */
    static WhiteboardService read(ServiceReference<?> reference, Kind kind) {
        return switch (kind) {
            case CONTEXT -> ContextService.read(reference);
            case SERVLET -> ServletService.read(reference);
            case FILTER -> FilterService.read(reference);
            case RESOURCE -> ResourceService.read(reference);
            case LISTENER -> ListenerService.read(reference);
            case PREPROCESSOR -> new PreprocessorService(reference,
                    ServiceProperties.initParams(reference, HTTP_WHITEBOARD_PREPROCESSOR_INIT_PARAM_PREFIX));
        };
    }

    /** What a tracked service is registered as. */
    enum Kind { CONTEXT, SERVLET, FILTER, RESOURCE, LISTENER, PREPROCESSOR }

    /** Reads {@code osgi.http.whiteboard.context.select}, the default context when absent. */
    private static Filter selectOf(ServiceReference<?> reference) {
        String text = ServiceProperties.string(reference, HTTP_WHITEBOARD_CONTEXT_SELECT);
        return filter(HTTP_WHITEBOARD_CONTEXT_SELECT, text == null ? DEFAULT_SELECT : text);
    }

    private static Filter filter(String key, String text) {
        try {
            return FrameworkUtil.createFilter(text);
        } catch (InvalidSyntaxException e) {
            throw new InvalidServiceException(key + " is not a valid filter: '" + text + "'");
        }
    }

    private static List<ServletPattern> readPatterns(ServiceReference<?> reference, String key) {
        List<ServletPattern> out = new ArrayList<>();
        for (String text : ServiceProperties.strings(reference, key)) {
            try {
                ServletPattern pattern = ServletPattern.of(text);
                if (!out.contains(pattern)) {
                    out.add(pattern);
                }
            } catch (IllegalArgumentException e) {
                throw new InvalidServiceException(key + ": " + e.getMessage());
            }
        }
        return List.copyOf(out);
    }

    /**
     * A {@code ServletContextHelper}: its name, its path and its {@code context.init.*} parameters.
     *
     * @param path the context path: empty for {@code /}, else starting with {@code /} and not ending with it
     */
    record ContextService(ServiceReference<?> reference, String name, String path, Map<String, String> initParams)
            implements WhiteboardService {

        static ContextService read(ServiceReference<?> reference) {
            String name = ServiceProperties.string(reference, HTTP_WHITEBOARD_CONTEXT_NAME);
            if (name == null || !name.matches("[A-Za-z0-9_\\-]+(\\.[A-Za-z0-9_\\-]+)*")) {
                throw new InvalidServiceException(HTTP_WHITEBOARD_CONTEXT_NAME + " must be a symbolic name, not '" + name + "'");
            }
            String path = ServiceProperties.string(reference, HTTP_WHITEBOARD_CONTEXT_PATH);
            if (path == null || !path.startsWith("/") || path.contains("//") || path.contains("?") || path.contains("#")
                    || path.contains("*") || path.contains("/./") || path.contains("/../") || path.endsWith("/..")
                    || path.endsWith("/.") || (path.length() > 1 && path.endsWith("/"))
                    || !path.chars().allMatch(c -> c > ' ' && c < 127 && c != '%')) {
                throw new InvalidServiceException(HTTP_WHITEBOARD_CONTEXT_PATH + " must be / or an absolute path without "
                        + "a trailing /, not '" + path + "'");
            }
            return new ContextService(reference, name, path.equals("/") ? "" : path,
                    ServiceProperties.initParams(reference, HTTP_WHITEBOARD_CONTEXT_INIT_PARAM_PREFIX));
        }

        @Override
        public Filter select() {
            return null;
        }
    }

    /**
     * A servlet: its patterns, the error pages it serves and how it runs.
     *
     * @param name {@code servlet.name}; null for its class name, known once it is instantiated
     * @param errorCodes the status codes it serves as an error page ({@code 4xx} expanded)
     * @param exceptions the exception class names it serves as an error page
     * @param multipart its multipart settings; null when multipart is not enabled
     */
    record ServletService(ServiceReference<?> reference, String name, List<ServletPattern> patterns,
            Set<Integer> errorCodes, List<String> exceptions, boolean asyncSupported, MultipartSettings multipart,
            Map<String, String> initParams, Filter select) implements WhiteboardService {

        static ServletService read(ServiceReference<?> reference) {
            List<ServletPattern> patterns = readPatterns(reference, HTTP_WHITEBOARD_SERVLET_PATTERN);
            Set<Integer> codes = new java.util.TreeSet<>();
            List<String> exceptions = new ArrayList<>();
            for (String page : ServiceProperties.strings(reference, HTTP_WHITEBOARD_SERVLET_ERROR_PAGE)) {
                if (page.equals("4xx") || page.equals("5xx")) {
                    int base = (page.charAt(0) - '0') * 100;
                    for (int code = base; code < base + 100; code++) {
                        codes.add(code);
                    }
                } else if (page.matches("\\d{3}")) {
                    int code = Integer.parseInt(page);
                    if (code < 400 || code > 599) {
                        throw new InvalidServiceException(HTTP_WHITEBOARD_SERVLET_ERROR_PAGE + ": " + page
                                + " is no error status (400-599)");
                    }
                    codes.add(code);
                } else if (page.matches("[\\p{L}_$][\\p{L}\\p{N}_$]*(\\.[\\p{L}_$][\\p{L}\\p{N}_$]*)*")) {
                    exceptions.add(page);
                } else {
                    throw new InvalidServiceException(HTTP_WHITEBOARD_SERVLET_ERROR_PAGE + ": '" + page
                            + "' is neither a status, 4xx, 5xx nor a class name");
                }
            }
            String name = ServiceProperties.string(reference, HTTP_WHITEBOARD_SERVLET_NAME);
            if (patterns.isEmpty() && codes.isEmpty() && exceptions.isEmpty() && name == null) {
                throw new InvalidServiceException("a servlet needs " + HTTP_WHITEBOARD_SERVLET_PATTERN + ", "
                        + HTTP_WHITEBOARD_SERVLET_ERROR_PAGE + " or " + HTTP_WHITEBOARD_SERVLET_NAME);
            }
            MultipartSettings multipart = ServiceProperties.bool(reference, HTTP_WHITEBOARD_SERVLET_MULTIPART_ENABLED, false)
                    ? MultipartSettings.read(reference) : null;
            return new ServletService(reference, name, patterns, Collections.unmodifiableSet(codes),
                    List.copyOf(exceptions), ServiceProperties.bool(reference, HTTP_WHITEBOARD_SERVLET_ASYNC_SUPPORTED, false),
                    multipart, ServiceProperties.initParams(reference, HTTP_WHITEBOARD_SERVLET_INIT_PARAM_PREFIX),
                    selectOf(reference));
        }

        /** Whether it serves as an error page. */
        boolean errorPage() {
            return !errorCodes.isEmpty() || !exceptions.isEmpty();
        }
    }

    /**
     * A servlet's {@code multipart.*} settings.
     *
     * @param location where parts beyond the threshold are written; empty for the temporary directory
     * @param maxFileSize -1 for no limit
     * @param maxRequestSize -1 for no limit
     */
    record MultipartSettings(int fileSizeThreshold, String location, long maxFileSize, long maxRequestSize) {

        static MultipartSettings read(ServiceReference<?> reference) {
            long threshold = ServiceProperties.number(reference, HTTP_WHITEBOARD_SERVLET_MULTIPART_FILESIZETHRESHOLD, 0);
            if (threshold < 0 || threshold > Integer.MAX_VALUE) {
                throw new InvalidServiceException(HTTP_WHITEBOARD_SERVLET_MULTIPART_FILESIZETHRESHOLD
                        + " must be from 0 to " + Integer.MAX_VALUE);
            }
            String location = ServiceProperties.string(reference, HTTP_WHITEBOARD_SERVLET_MULTIPART_LOCATION);
            return new MultipartSettings((int) threshold, location == null ? "" : location,
                    ServiceProperties.number(reference, HTTP_WHITEBOARD_SERVLET_MULTIPART_MAXFILESIZE, -1),
                    ServiceProperties.number(reference, HTTP_WHITEBOARD_SERVLET_MULTIPART_MAXREQUESTSIZE, -1));
        }
    }

    /**
     * A filter: which requests it sees (patterns, regular expressions, servlet names) and on
     * which dispatches.
     */
    record FilterService(ServiceReference<?> reference, String name, List<ServletPattern> patterns,
            List<Pattern> regexes, List<String> servletNames, Set<DispatcherType> dispatcher, boolean asyncSupported,
            Map<String, String> initParams, Filter select) implements WhiteboardService {

        static FilterService read(ServiceReference<?> reference) {
            List<ServletPattern> patterns = readPatterns(reference, HTTP_WHITEBOARD_FILTER_PATTERN);
            List<Pattern> regexes = new ArrayList<>();
            for (String regex : ServiceProperties.strings(reference, HTTP_WHITEBOARD_FILTER_REGEX)) {
                try {
                    regexes.add(Pattern.compile(regex));
                } catch (PatternSyntaxException e) {
                    throw new InvalidServiceException(HTTP_WHITEBOARD_FILTER_REGEX + ": '" + regex + "' is not a regular expression");
                }
            }
            List<String> servletNames = ServiceProperties.strings(reference, HTTP_WHITEBOARD_FILTER_SERVLET);
            if (patterns.isEmpty() && regexes.isEmpty() && servletNames.isEmpty()) {
                throw new InvalidServiceException("a filter needs " + HTTP_WHITEBOARD_FILTER_PATTERN + ", "
                        + HTTP_WHITEBOARD_FILTER_REGEX + " or " + HTTP_WHITEBOARD_FILTER_SERVLET);
            }
            Set<DispatcherType> dispatcher = EnumSet.noneOf(DispatcherType.class);
            for (String type : ServiceProperties.strings(reference, HTTP_WHITEBOARD_FILTER_DISPATCHER)) {
                try {
                    dispatcher.add(DispatcherType.valueOf(type.trim().toUpperCase(java.util.Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    throw new InvalidServiceException(HTTP_WHITEBOARD_FILTER_DISPATCHER + ": '" + type
                            + "' is none of REQUEST, FORWARD, INCLUDE, ASYNC, ERROR");
                }
            }
            if (dispatcher.isEmpty()) {
                dispatcher.add(DispatcherType.REQUEST);
            }
            return new FilterService(reference, ServiceProperties.string(reference, HTTP_WHITEBOARD_FILTER_NAME),
                    patterns, List.copyOf(regexes), servletNames, Collections.unmodifiableSet(dispatcher),
                    ServiceProperties.bool(reference, HTTP_WHITEBOARD_FILTER_ASYNC_SUPPORTED, false),
                    ServiceProperties.initParams(reference, HTTP_WHITEBOARD_FILTER_INIT_PARAM_PREFIX), selectOf(reference));
        }

        /** Whether it sees a request to {@code path} (within its context) served by {@code servletName}. */
        boolean applies(String path, String servletName) {
            for (ServletPattern pattern : patterns) {
                if (pattern.match(path) != null) {
                    return true;
                }
            }
            for (Pattern regex : regexes) {
                if (regex.matcher(path).matches()) {
                    return true;
                }
            }
            return servletName != null && servletNames.contains(servletName);
        }
    }

    /**
     * A resource service: the patterns it serves and the prefix its files are found under, through
     * its context's {@code getResource}.
     */
    record ResourceService(ServiceReference<?> reference, List<ServletPattern> patterns, String prefix, Filter select)
            implements WhiteboardService {

        static ResourceService read(ServiceReference<?> reference) {
            List<ServletPattern> patterns = readPatterns(reference, HTTP_WHITEBOARD_RESOURCE_PATTERN);
            String prefix = ServiceProperties.string(reference, HTTP_WHITEBOARD_RESOURCE_PREFIX);
            if (patterns.isEmpty()) {
                throw new InvalidServiceException("a resource needs " + HTTP_WHITEBOARD_RESOURCE_PATTERN);
            }
            if (prefix == null || (prefix.length() > 1 && prefix.endsWith("/"))) {
                throw new InvalidServiceException(HTTP_WHITEBOARD_RESOURCE_PREFIX + " must be a name without a trailing /, not '"
                        + prefix + "'");
            }
            return new ResourceService(reference, patterns, prefix, selectOf(reference));
        }
    }

    /**
     * A listener ({@code osgi.http.whiteboard.listener=true}) and which of the listener
     * interfaces it is registered as.
     */
    record ListenerService(ServiceReference<?> reference, List<String> types, Filter select) implements WhiteboardService {

        /**
         * Whether the service opted out with {@code osgi.http.whiteboard.listener=false} (any case),
         * which the whiteboard treats as if the property were missing; any value but true or false
         * is a failure.
         */
        static boolean optedOut(ServiceReference<?> reference) {
            Object value = reference.getProperty(HTTP_WHITEBOARD_LISTENER);
            return Boolean.FALSE.equals(value) || value instanceof String s && s.equalsIgnoreCase("false");
        }

        static ListenerService read(ServiceReference<?> reference) {
            if (!ServiceProperties.bool(reference, HTTP_WHITEBOARD_LISTENER, false)) {
                throw new InvalidServiceException(HTTP_WHITEBOARD_LISTENER + " must be true");
            }
            List<String> types = new ArrayList<>();
            for (String objectClass : ServiceProperties.strings(reference, org.osgi.framework.Constants.OBJECTCLASS)) {
                if (ListenerTypes.NAMES.contains(objectClass)) {
                    types.add(objectClass);
                }
            }
            if (types.isEmpty()) {
                throw new InvalidServiceException("a listener must be registered as one of " + ListenerTypes.NAMES);
            }
            return new ListenerService(reference, List.copyOf(types), selectOf(reference));
        }
    }

    /** A preprocessor: a filter run for every request before its context is chosen. */
    record PreprocessorService(ServiceReference<?> reference, Map<String, String> initParams) implements WhiteboardService {

        @Override
        public Filter select() {
            return null;
        }
    }
}

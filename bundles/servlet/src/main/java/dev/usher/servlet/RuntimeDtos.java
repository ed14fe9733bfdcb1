package dev.usher.servlet;

import static org.osgi.service.servlet.whiteboard.HttpWhiteboardConstants.*;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.DispatcherType;

import org.osgi.framework.ServiceReference;
import org.osgi.framework.dto.ServiceReferenceDTO;
import org.osgi.service.servlet.runtime.dto.DTOConstants;
import org.osgi.service.servlet.runtime.dto.ErrorPageDTO;
import org.osgi.service.servlet.runtime.dto.FailedErrorPageDTO;
import org.osgi.service.servlet.runtime.dto.FailedFilterDTO;
import org.osgi.service.servlet.runtime.dto.FailedListenerDTO;
import org.osgi.service.servlet.runtime.dto.FailedPreprocessorDTO;
import org.osgi.service.servlet.runtime.dto.FailedResourceDTO;
import org.osgi.service.servlet.runtime.dto.FailedServletContextDTO;
import org.osgi.service.servlet.runtime.dto.FailedServletDTO;
import org.osgi.service.servlet.runtime.dto.FilterDTO;
import org.osgi.service.servlet.runtime.dto.ListenerDTO;
import org.osgi.service.servlet.runtime.dto.PreprocessorDTO;
import org.osgi.service.servlet.runtime.dto.RequestInfoDTO;
import org.osgi.service.servlet.runtime.dto.ResourceDTO;
import org.osgi.service.servlet.runtime.dto.RuntimeDTO;
import org.osgi.service.servlet.runtime.dto.ServletContextDTO;
import org.osgi.service.servlet.runtime.dto.ServletDTO;

import dev.usher.servlet.WhiteboardService.ContextService;
import dev.usher.servlet.WhiteboardService.FilterService;
import dev.usher.servlet.WhiteboardService.ListenerService;
import dev.usher.servlet.WhiteboardService.PreprocessorService;
import dev.usher.servlet.WhiteboardService.ResourceService;
import dev.usher.servlet.WhiteboardService.ServletService;

/** The whiteboard's state as the Compendium's runtime DTOs (140.9). */
final class RuntimeDtos {

    private RuntimeDtos() {
    }

    static RuntimeDTO runtime(Whiteboard.View view, ServiceReference<?> runtimeReference) {
        RuntimeDTO dto = new RuntimeDTO();
        dto.serviceDTO = runtimeReference == null ? null : runtimeReference.adapt(ServiceReferenceDTO.class);
        dto.servletContextDTOs = view.contexts().stream().map(RuntimeDtos::context).toArray(ServletContextDTO[]::new);
        dto.preprocessorDTOs = view.preprocessors().stream().map(p -> preprocessor(p.service(), new PreprocessorDTO()))
                .toArray(PreprocessorDTO[]::new);
        List<FailedServletContextDTO> contexts = new ArrayList<>();
        List<FailedServletDTO> servlets = new ArrayList<>();
        List<FailedFilterDTO> filters = new ArrayList<>();
        List<FailedResourceDTO> resources = new ArrayList<>();
        List<FailedErrorPageDTO> errorPages = new ArrayList<>();
        List<FailedListenerDTO> listeners = new ArrayList<>();
        List<FailedPreprocessorDTO> preprocessors = new ArrayList<>();
        for (Failure failure : view.failures()) {
            WhiteboardService service = failure.service();
            int reason = failure.reason();
            if (service instanceof ContextService c) {
                FailedServletContextDTO failed = fill(c, new FailedServletContextDTO());
                failed.failureReason = reason;
                contexts.add(failed);
            } else if (service instanceof ServletService s) {
                if (!s.patterns().isEmpty() || !s.errorPage()) {
                    FailedServletDTO failed = servlet(s, null, failure.contextId(), new FailedServletDTO());
                    failed.failureReason = reason;
                    servlets.add(failed);
                }
                if (s.errorPage()) {
                    FailedErrorPageDTO failed = errorPage(s, null, failure.contextId(), new FailedErrorPageDTO());
                    failed.failureReason = reason;
                    errorPages.add(failed);
                }
            } else if (service instanceof FilterService f) {
                FailedFilterDTO failed = filter(f, null, failure.contextId(), new FailedFilterDTO());
                failed.failureReason = reason;
                filters.add(failed);
            } else if (service instanceof ResourceService r) {
                FailedResourceDTO failed = resource(r, failure.contextId(), new FailedResourceDTO());
                failed.failureReason = reason;
                resources.add(failed);
            } else if (service instanceof ListenerService l) {
                FailedListenerDTO failed = listener(l, failure.contextId(), new FailedListenerDTO());
                failed.failureReason = reason;
                listeners.add(failed);
            } else if (service instanceof PreprocessorService p) {
                FailedPreprocessorDTO failed = preprocessor(p, new FailedPreprocessorDTO());
                failed.failureReason = reason;
                preprocessors.add(failed);
            }
        }
        for (Whiteboard.Invalid invalid : view.invalid()) {
            invalid(invalid, contexts, servlets, filters, resources, listeners, preprocessors);
        }
        dto.failedServletContextDTOs = contexts.toArray(FailedServletContextDTO[]::new);
        dto.failedServletDTOs = servlets.toArray(FailedServletDTO[]::new);
        dto.failedFilterDTOs = filters.toArray(FailedFilterDTO[]::new);
        dto.failedResourceDTOs = resources.toArray(FailedResourceDTO[]::new);
        dto.failedErrorPageDTOs = errorPages.toArray(FailedErrorPageDTO[]::new);
        dto.failedListenerDTOs = listeners.toArray(FailedListenerDTO[]::new);
        dto.failedPreprocessorDTOs = preprocessors.toArray(FailedPreprocessorDTO[]::new);
        return dto;
    }

    /** A service whose properties broke the rules: as much of its DTO as its properties give. */
    private static void invalid(Whiteboard.Invalid invalid, List<FailedServletContextDTO> contexts,
            List<FailedServletDTO> servlets, List<FailedFilterDTO> filters, List<FailedResourceDTO> resources,
            List<FailedListenerDTO> listeners, List<FailedPreprocessorDTO> preprocessors) {
        ServiceReference<?> reference = invalid.reference();
        long id = ServiceProperties.id(reference);
        int reason = DTOConstants.FAILURE_REASON_VALIDATION_FAILED;
        switch (invalid.kind()) {
            case CONTEXT -> {
                FailedServletContextDTO dto = new FailedServletContextDTO();
                dto.serviceId = id;
                dto.name = text(reference.getProperty(HTTP_WHITEBOARD_CONTEXT_NAME));
                dto.contextPath = text(reference.getProperty(HTTP_WHITEBOARD_CONTEXT_PATH));
                dto.initParams = Map.of();
                dto.attributes = Map.of();
                emptyMembers(dto);
                dto.failureReason = reason;
                contexts.add(dto);
            }
            case SERVLET -> {
                FailedServletDTO dto = new FailedServletDTO();
                dto.serviceId = id;
                dto.name = text(reference.getProperty(HTTP_WHITEBOARD_SERVLET_NAME));
                dto.patterns = texts(reference.getProperty(HTTP_WHITEBOARD_SERVLET_PATTERN));
                dto.initParams = Map.of();
                dto.failureReason = reason;
                servlets.add(dto);
            }
            case FILTER -> {
                FailedFilterDTO dto = new FailedFilterDTO();
                dto.serviceId = id;
                dto.name = text(reference.getProperty(HTTP_WHITEBOARD_FILTER_NAME));
                dto.patterns = texts(reference.getProperty(HTTP_WHITEBOARD_FILTER_PATTERN));
                dto.regexs = texts(reference.getProperty(HTTP_WHITEBOARD_FILTER_REGEX));
                dto.servletNames = texts(reference.getProperty(HTTP_WHITEBOARD_FILTER_SERVLET));
                dto.dispatcher = texts(reference.getProperty(HTTP_WHITEBOARD_FILTER_DISPATCHER));
                dto.initParams = Map.of();
                dto.failureReason = reason;
                filters.add(dto);
            }
            case RESOURCE -> {
                FailedResourceDTO dto = new FailedResourceDTO();
                dto.serviceId = id;
                dto.patterns = texts(reference.getProperty(HTTP_WHITEBOARD_RESOURCE_PATTERN));
                dto.prefix = text(reference.getProperty(HTTP_WHITEBOARD_RESOURCE_PREFIX));
                dto.failureReason = reason;
                resources.add(dto);
            }
            case LISTENER -> {
                FailedListenerDTO dto = new FailedListenerDTO();
                dto.serviceId = id;
                dto.types = texts(reference.getProperty(org.osgi.framework.Constants.OBJECTCLASS));
                dto.failureReason = reason;
                listeners.add(dto);
            }
            case PREPROCESSOR -> {
                FailedPreprocessorDTO dto = new FailedPreprocessorDTO();
                dto.serviceId = id;
                dto.initParams = Map.of();
                dto.failureReason = reason;
                preprocessors.add(dto);
            }
        }
    }

    private static String text(Object value) {
        return value instanceof String s ? s : null;
    }

    private static String[] texts(Object value) {
        if (value instanceof String s) {
            return new String[] {s};
        }
        List<String> out = new ArrayList<>();
        if (value instanceof Iterable<?> it) {
            it.forEach(o -> out.add(String.valueOf(o)));
        } else if (value != null && value.getClass().isArray()) {
            for (int i = 0; i < Array.getLength(value); i++) {
                out.add(String.valueOf(Array.get(value, i)));
            }
        }
        return out.toArray(String[]::new);
    }

    private static <T extends ServletContextDTO> T fill(ContextService service, T dto) {
        dto.name = service.name();
        dto.contextPath = service.path().isEmpty() ? "/" : service.path();
        dto.initParams = service.initParams();
        dto.serviceId = service.id();
        dto.attributes = Map.of();
        emptyMembers(dto);
        return dto;
    }

    private static void emptyMembers(ServletContextDTO dto) {
        dto.servletDTOs = new ServletDTO[0];
        dto.resourceDTOs = new ResourceDTO[0];
        dto.filterDTOs = new FilterDTO[0];
        dto.errorPageDTOs = new ErrorPageDTO[0];
        dto.listenerDTOs = new ListenerDTO[0];
    }

    private static ServletContextDTO context(ContextRuntime runtime) {
        ServletContextDTO dto = fill(runtime.service(), new ServletContextDTO());
        dto.attributes = dtoAttributes(runtime.state().attributes());
        long id = runtime.id();
        List<ServletDTO> servlets = new ArrayList<>();
        List<ResourceDTO> resources = new ArrayList<>();
        List<ErrorPageDTO> errorPages = new ArrayList<>();
        for (ActiveServlet active : runtime.servlets().values()) {
            if (active.service() instanceof ResourceService r) {
                resources.add(resource(r, id, new ResourceDTO()));
                continue;
            }
            ServletService s = (ServletService) active.service();
            if (!s.patterns().isEmpty() || !s.errorPage()) {
                servlets.add(servlet(s, active, id, new ServletDTO()));
            }
            if (s.errorPage()) {
                errorPages.add(errorPage(s, active, id, new ErrorPageDTO()));
            }
        }
        dto.servletDTOs = servlets.toArray(ServletDTO[]::new);
        dto.resourceDTOs = resources.toArray(ResourceDTO[]::new);
        dto.errorPageDTOs = errorPages.toArray(ErrorPageDTO[]::new);
        dto.filterDTOs = runtime.routing().filters().stream().map(f -> filter(f.service(), f, id, new FilterDTO()))
                .toArray(FilterDTO[]::new);
        dto.listenerDTOs = runtime.listeners().keySet().stream().map(l -> listener(l, id, new ListenerDTO()))
                .toArray(ListenerDTO[]::new);
        return dto;
    }

    /** The attributes whose values a DTO may carry: strings, numbers, booleans and arrays of them. */
    private static Map<String, Object> dtoAttributes(Map<String, Object> attributes) {
        Map<String, Object> out = new HashMap<>();
        attributes.forEach((name, value) -> {
            if (value instanceof String || value instanceof Number || value instanceof Boolean
                    || value instanceof String[] || value instanceof Number[] || value instanceof Boolean[]) {
                out.put(name, value);
            }
        });
        return out;
    }

    private static <T extends ServletDTO> T servlet(ServletService s, ActiveServlet active, long contextId, T dto) {
        dto.name = active != null ? active.name() : s.name();
        dto.servletInfo = active != null ? active.servlet().getServletInfo() : null;
        dto.asyncSupported = s.asyncSupported();
        dto.initParams = s.initParams();
        dto.servletContextId = contextId;
        dto.serviceId = s.id();
        dto.patterns = (active != null ? active.patterns() : s.patterns()).stream().map(ServletPattern::text)
                .toArray(String[]::new);
        var multipart = s.multipart();
        dto.multipartEnabled = multipart != null;
        if (multipart != null) {
            dto.multipartFileSizeThreshold = multipart.fileSizeThreshold();
            dto.multipartLocation = multipart.location();
            dto.multipartMaxFileSize = multipart.maxFileSize();
            dto.multipartMaxRequestSize = multipart.maxRequestSize();
        } else {
            dto.multipartMaxFileSize = -1;
            dto.multipartMaxRequestSize = -1;
        }
        return dto;
    }

    private static <T extends ErrorPageDTO> T errorPage(ServletService s, ActiveServlet active, long contextId, T dto) {
        dto.name = active != null ? active.name() : s.name();
        dto.servletInfo = active != null ? active.servlet().getServletInfo() : null;
        dto.asyncSupported = s.asyncSupported();
        dto.initParams = s.initParams();
        dto.servletContextId = contextId;
        dto.serviceId = s.id();
        dto.exceptions = s.exceptions().toArray(String[]::new);
        dto.errorCodes = s.errorCodes().stream().mapToLong(Integer::longValue).toArray();
        return dto;
    }

    private static <T extends FilterDTO> T filter(FilterService f, ActiveFilter active, long contextId, T dto) {
        dto.name = active != null ? active.name() : f.name();
        dto.patterns = f.patterns().stream().map(ServletPattern::text).toArray(String[]::new);
        dto.regexs = f.regexes().stream().map(java.util.regex.Pattern::pattern).toArray(String[]::new);
        dto.servletNames = f.servletNames().toArray(String[]::new);
        dto.dispatcher = f.dispatcher().stream().map(DispatcherType::name).toArray(String[]::new);
        dto.asyncSupported = f.asyncSupported();
        dto.initParams = f.initParams();
        dto.serviceId = f.id();
        dto.servletContextId = contextId;
        return dto;
    }

    private static <T extends ResourceDTO> T resource(ResourceService r, long contextId, T dto) {
        dto.patterns = r.patterns().stream().map(ServletPattern::text).toArray(String[]::new);
        dto.prefix = r.prefix();
        dto.serviceId = r.id();
        dto.servletContextId = contextId;
        return dto;
    }

    private static <T extends ListenerDTO> T listener(ListenerService l, long contextId, T dto) {
        dto.types = l.types().toArray(String[]::new);
        dto.serviceId = l.id();
        dto.servletContextId = contextId;
        return dto;
    }

    private static <T extends PreprocessorDTO> T preprocessor(PreprocessorService p, T dto) {
        dto.initParams = p.initParams();
        dto.serviceId = p.id();
        return dto;
    }

    /** Which context, servlet or resource, and filters a request to {@code path} would reach. */
    static RequestInfoDTO requestInfo(Whiteboard.View view, String path) {
        RequestInfoDTO dto = new RequestInfoDTO();
        dto.path = path;
        dto.filterDTOs = new FilterDTO[0];
        String best = null;
        for (ContextRuntime runtime : view.contexts()) {
            String contextPath = runtime.service().path();
            boolean under = contextPath.isEmpty() || path.equals(contextPath) || path.startsWith(contextPath + "/");
            if (under && (best == null || contextPath.length() > best.length())) {
                best = contextPath;
            }
        }
        if (best == null) {
            return dto;
        }
        String within = path.substring(best.length());
        if (within.isEmpty()) {
            within = "/";
        }
        List<ContextRuntime> candidates = new ArrayList<>();
        for (ContextRuntime runtime : view.contexts()) {
            if (runtime.service().path().equals(best)) {
                candidates.add(runtime);
            }
        }
        candidates.sort((a, b) -> ContextRuntime.BEST_FIRST.compare(a.service(), b.service()));
        for (ContextRuntime runtime : candidates) {
            var resolved = runtime.routing().mappings().resolve(within);
            if (resolved != null || runtime == candidates.get(candidates.size() - 1)) {
                long id = runtime.id();
                dto.servletContextId = id;
                ActiveServlet target = resolved == null ? null : resolved.target();
                if (target != null && target.service() instanceof ResourceService r) {
                    dto.resourceDTO = resource(r, id, new ResourceDTO());
                } else if (target != null) {
                    dto.servletDTO = servlet((ServletService) target.service(), target, id, new ServletDTO());
                }
                dto.filterDTOs = Chain.filters(runtime.routing(), target, within, DispatcherType.REQUEST).stream()
                        .map(f -> filter(f.service(), f, id, new FilterDTO())).toArray(FilterDTO[]::new);
                return dto;
            }
        }
        return dto;
    }
}

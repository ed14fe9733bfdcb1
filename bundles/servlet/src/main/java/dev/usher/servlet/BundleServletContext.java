package dev.usher.servlet;

import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLConnection;
import java.util.Collections;
import java.util.Enumeration;
import java.util.EventListener;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.SessionCookieConfig;
import jakarta.servlet.SessionTrackingMode;
import jakarta.servlet.descriptor.JspConfigDescriptor;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.service.servlet.context.ServletContextHelper;

import dev.usher.servlet.http.ResourceServlet;

/**
 * The {@code ServletContext} one bundle's servlets, filters and listeners see in one context
 * (Compendium 140.2.6): attributes, init parameters and listeners are the context's, while
 * resources, MIME types and real paths come from the {@code ServletContextHelper} as that
 * bundle got it, since a helper may answer per bundle. Registering servlets, filters or
 * listeners through it is not supported: whiteboard services are registered as services.
 */
final class BundleServletContext implements ServletContext {

    private final ContextState state;
    private final Bundle bundle;
    private final ServletContextHelper helper;
    private final BundleContext bundleContext;
    private final ServiceReference<?> helperReference;

    BundleServletContext(ContextState state, Bundle bundle, ServletContextHelper helper, BundleContext bundleContext,
            ServiceReference<?> helperReference) {
        this.state = state;
        this.bundle = bundle;
        this.helper = helper;
        this.bundleContext = bundleContext;
        this.helperReference = helperReference;
    }

    Bundle bundle() {
        return bundle;
    }

    ServletContextHelper helper() {
        return helper;
    }

    ContextState state() {
        return state;
    }

    /** The helper's resources and MIME types, for a resource service's servlet. */
    ResourceServlet.ResourceSource resources() {
        return new ResourceServlet.ResourceSource() {
            @Override
            public URL getResource(String name) {
                return helper.getResource(name);
            }

            @Override
            public String getMimeType(String name) {
                return BundleServletContext.this.getMimeType(name);
            }
        };
    }

    /** Gives the helper back: this view is no longer used. */
    void release() {
        try {
            bundleContext.ungetService(helperReference);
        } catch (IllegalStateException e) {
            // the bundle stopped: the framework took its services back already
        }
    }

    @Override
    public String getContextPath() {
        return state.service().path();
    }

    @Override
    public ServletContext getContext(String uripath) {
        return null;
    }

    @Override
    public int getMajorVersion() {
        return 6;
    }

    @Override
    public int getMinorVersion() {
        return 0;
    }

    @Override
    public int getEffectiveMajorVersion() {
        return 6;
    }

    @Override
    public int getEffectiveMinorVersion() {
        return 0;
    }

    @Override
    public String getMimeType(String file) {
        String type = helper.getMimeType(file);
        return type != null ? type : URLConnection.guessContentTypeFromName(file);
    }

    @Override
    public Set<String> getResourcePaths(String path) {
        return helper.getResourcePaths(path);
    }

    @Override
    public URL getResource(String path) throws MalformedURLException {
        return helper.getResource(path);
    }

    @Override
    public InputStream getResourceAsStream(String path) {
        URL url = helper.getResource(path);
        try {
            return url == null ? null : url.openStream();
        } catch (java.io.IOException e) {
            return null;
        }
    }

    @Override
    public RequestDispatcher getRequestDispatcher(String path) {
        return Dispatch.forPath(state, path);
    }

    @Override
    public RequestDispatcher getNamedDispatcher(String name) {
        return Dispatch.forName(state, name);
    }

    @Override
    public void log(String msg) {
        state.log().info("{}: {}", state.service().name(), msg);
    }

    @Override
    public void log(String message, Throwable throwable) {
        state.log().error("{}: {}", state.service().name(), message, throwable);
    }

    @Override
    public String getRealPath(String path) {
        return helper.getRealPath(path);
    }

    @Override
    public String getServerInfo() {
        return "Usher";
    }

    @Override
    public String getInitParameter(String name) {
        return state.service().initParams().get(name);
    }

    @Override
    public Enumeration<String> getInitParameterNames() {
        return Collections.enumeration(state.service().initParams().keySet());
    }

    @Override
    public boolean setInitParameter(String name, String value) {
        throw new UnsupportedOperationException("context init parameters are the context service's context.init.* properties");
    }

    @Override
    public Object getAttribute(String name) {
        return state.attributes().get(name);
    }

    @Override
    public Enumeration<String> getAttributeNames() {
        return Collections.enumeration(state.attributes().keySet());
    }

    @Override
    public void setAttribute(String name, Object object) {
        state.setAttribute(this, name, object);
    }

    @Override
    public void removeAttribute(String name) {
        state.removeAttribute(this, name);
    }

    @Override
    public String getServletContextName() {
        return state.service().name();
    }

    private static UnsupportedOperationException whiteboardOnly() {
        return new UnsupportedOperationException("register servlets, filters and listeners as whiteboard services");
    }

    @Override
    public ServletRegistration.Dynamic addServlet(String servletName, String className) {
        throw whiteboardOnly();
    }

    @Override
    public ServletRegistration.Dynamic addServlet(String servletName, Servlet servlet) {
        throw whiteboardOnly();
    }

    @Override
    public ServletRegistration.Dynamic addServlet(String servletName, Class<? extends Servlet> servletClass) {
        throw whiteboardOnly();
    }

    @Override
    public ServletRegistration.Dynamic addJspFile(String servletName, String jspFile) {
        throw whiteboardOnly();
    }

    @Override
    public <T extends Servlet> T createServlet(Class<T> clazz) {
        throw whiteboardOnly();
    }

    @Override
    public ServletRegistration getServletRegistration(String servletName) {
        throw whiteboardOnly();
    }

    @Override
    public Map<String, ? extends ServletRegistration> getServletRegistrations() {
        throw whiteboardOnly();
    }

    @Override
    public FilterRegistration.Dynamic addFilter(String filterName, String className) {
        throw whiteboardOnly();
    }

    @Override
    public FilterRegistration.Dynamic addFilter(String filterName, Filter filter) {
        throw whiteboardOnly();
    }

    @Override
    public FilterRegistration.Dynamic addFilter(String filterName, Class<? extends Filter> filterClass) {
        throw whiteboardOnly();
    }

    @Override
    public <T extends Filter> T createFilter(Class<T> clazz) {
        throw whiteboardOnly();
    }

    @Override
    public FilterRegistration getFilterRegistration(String filterName) {
        throw whiteboardOnly();
    }

    @Override
    public Map<String, ? extends FilterRegistration> getFilterRegistrations() {
        throw whiteboardOnly();
    }

    @Override
    public SessionCookieConfig getSessionCookieConfig() {
        return state.sessions().cookieConfig();
    }

    @Override
    public void setSessionTrackingModes(Set<SessionTrackingMode> sessionTrackingModes) {
        throw new IllegalStateException("the whiteboard tracks sessions with a cookie only");
    }

    @Override
    public Set<SessionTrackingMode> getDefaultSessionTrackingModes() {
        return EnumSet.of(SessionTrackingMode.COOKIE);
    }

    @Override
    public Set<SessionTrackingMode> getEffectiveSessionTrackingModes() {
        return EnumSet.of(SessionTrackingMode.COOKIE);
    }

    @Override
    public void addListener(String className) {
        throw whiteboardOnly();
    }

    @Override
    public <T extends EventListener> void addListener(T t) {
        throw whiteboardOnly();
    }

    @Override
    public void addListener(Class<? extends EventListener> listenerClass) {
        throw whiteboardOnly();
    }

    @Override
    public <T extends EventListener> T createListener(Class<T> clazz) {
        throw whiteboardOnly();
    }

    @Override
    public JspConfigDescriptor getJspConfigDescriptor() {
        return null;
    }

    @Override
    public ClassLoader getClassLoader() {
        BundleWiring wiring = bundle.adapt(BundleWiring.class);
        return wiring == null ? null : wiring.getClassLoader();
    }

    @Override
    public void declareRoles(String... roleNames) {
        throw whiteboardOnly();
    }

    @Override
    public String getVirtualServerName() {
        return "usher";
    }

    @Override
    public int getSessionTimeout() {
        return state.sessionTimeoutMinutes();
    }

    @Override
    public void setSessionTimeout(int sessionTimeout) {
        state.sessionTimeoutMinutes(sessionTimeout);
    }

    @Override
    public String getRequestCharacterEncoding() {
        return state.requestEncoding();
    }

    @Override
    public void setRequestCharacterEncoding(String encoding) {
        state.requestEncoding(encoding);
    }

    @Override
    public String getResponseCharacterEncoding() {
        return state.responseEncoding();
    }

    @Override
    public void setResponseCharacterEncoding(String encoding) {
        state.responseEncoding(encoding);
    }
}

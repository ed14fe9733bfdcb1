package dev.usher.servlet;

import java.util.Collections;
import java.util.Enumeration;
import java.util.Map;

import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletContext;

/**
 * What a servlet's {@code init} or a filter's {@code init} is given: its name, its context and
 * its {@code servlet.init.*} or {@code filter.init.*} parameters.
 */
record InitConfig(String name, ServletContext context, Map<String, String> parameters)
        implements ServletConfig, FilterConfig {

    @Override
    public String getServletName() {
        return name;
    }

    @Override
    public String getFilterName() {
        return name;
    }

    @Override
    public ServletContext getServletContext() {
        return context;
    }

    @Override
    public String getInitParameter(String key) {
        return parameters.get(key);
    }

    @Override
    public Enumeration<String> getInitParameterNames() {
        return Collections.enumeration(parameters.keySet());
    }
}

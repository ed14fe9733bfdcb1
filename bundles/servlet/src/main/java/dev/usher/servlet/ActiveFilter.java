package dev.usher.servlet;

import jakarta.servlet.Filter;

import dev.usher.servlet.WhiteboardService.FilterService;

/**
 * A filter initialised in one context, with its calls in progress, which {@code destroy} waits
 * for as a servlet's does.
 */
record ActiveFilter(FilterService service, Filter filter, String name, BundleServletContext context, Calls calls) {

    ActiveFilter(FilterService service, Filter filter, String name, BundleServletContext context) {
        this(service, filter, name, context, new Calls());
    }
}

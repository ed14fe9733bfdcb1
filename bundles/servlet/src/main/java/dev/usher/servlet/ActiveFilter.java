package dev.usher.servlet;

import jakarta.servlet.Filter;

import dev.usher.servlet.WhiteboardService.FilterService;

/** A filter initialised in one context. */
record ActiveFilter(FilterService service, Filter filter, String name, BundleServletContext context) {
}

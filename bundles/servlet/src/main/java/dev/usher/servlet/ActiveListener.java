package dev.usher.servlet;

import java.util.EventListener;

import dev.usher.servlet.WhiteboardService.ListenerService;

/** A listener added to one context, with the context view it was given. */
record ActiveListener(ListenerService service, EventListener listener, BundleServletContext context) {
}

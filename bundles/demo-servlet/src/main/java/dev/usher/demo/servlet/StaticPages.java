package dev.usher.demo.servlet;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardResource;

/**
 * The bundle's {@code static/} folder at {@code /servlet/static/*}: a whiteboard resource
 * service, so the whiteboard implementation serves the files from this bundle itself and no
 * servlet here is needed. The object is only the registration's carrier, hence no methods.
 */
@Component(service = StaticPages.class)
@HttpWhiteboardResource(pattern = "/servlet/static/*", prefix = "/static")
public final class StaticPages {
}

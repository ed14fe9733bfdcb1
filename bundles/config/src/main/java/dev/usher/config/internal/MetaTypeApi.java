package dev.usher.config.internal;

import org.osgi.framework.BundleContext;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;

/**
 * Whether the config bundle can see the metatype API. It imports the API optionally, because a
 * framework without a metatype service (a bare Felix, a Karaf without it) has no forms to show; there,
 * loading {@link ServerMetaType} would fail, so it is asked first. This class itself refers to
 * nothing of the API.
 */
final class MetaTypeApi {

    static final String PACKAGE = "org.osgi.service.metatype";

    private MetaTypeApi() {
    }

    /** Whether {@code context}'s bundle is wired to the metatype API's package. */
    static boolean wired(BundleContext context) {
        BundleWiring wiring = context.getBundle().adapt(BundleWiring.class);
        if (wiring == null) {
            return false;
        }
        for (BundleWire wire : wiring.getRequiredWires(PackageNamespace.PACKAGE_NAMESPACE)) {
            if (PACKAGE.equals(wire.getCapability().getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE))) {
                return true;
            }
        }
        return false;
    }
}

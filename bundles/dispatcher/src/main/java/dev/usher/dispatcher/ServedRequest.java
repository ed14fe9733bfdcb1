package dev.usher.dispatcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.cert.X509Certificate;
import java.util.List;

import dev.usher.api.HeaderFields;
import dev.usher.api.HttpRequest;
import dev.usher.http1.RequestHead;

/** The {@link HttpRequest} an application is handed. */
final class ServedRequest implements HttpRequest {

    private final MountPoint mount;
    private final ReceivedRequest received;
    private final RequestTarget target;
    private final String scriptName;
    private final String pathInfo;
    private final String rawPathInfo;
    private final RequestOrigin origin;
    private final String server;
    private final List<X509Certificate> clientCertificates;
    private HeaderFields headers;
    private InputStream body;

    ServedRequest(MountPoint mount, ReceivedRequest received, RequestTarget target, String scriptName,
            String pathInfo, String rawPathInfo, RequestOrigin origin, String server,
            List<X509Certificate> clientCertificates) {
        this.clientCertificates = clientCertificates;
        this.mount = mount;
        this.received = received;
        this.target = target;
        this.scriptName = scriptName;
        this.pathInfo = pathInfo;
        this.rawPathInfo = rawPathInfo;
        this.origin = origin;
        this.server = server;
    }

    @Override
    public List<X509Certificate> clientCertificates() {
        return clientCertificates;
    }

    /** Where the request was routed. */
    MountPoint mount() {
        return mount;
    }

    @Override
    public String method() {
        return received.head().method();
    }

    @Override
    public String target() {
        return received.head().target();
    }

    @Override
    public String scriptName() {
        return scriptName;
    }

    @Override
    public String pathInfo() {
        return pathInfo;
    }

    @Override
    public String rawPathInfo() {
        return rawPathInfo;
    }

    @Override
    public String remoteAddress() {
        return origin.remoteAddress();
    }

    @Override
    public int remotePort() {
        return origin.remotePort();
    }

    @Override
    public String scheme() {
        return origin.scheme();
    }

    @Override
    public String host() {
        return origin.host();
    }

    @Override
    public int port() {
        return origin.port();
    }

    @Override
    public String server() {
        return server;
    }

    @Override
    public String query() {
        return target.query();
    }

    @Override
    public String protocol() {
        return received.head().version().text();
    }

    @Override
    public HeaderFields headers() {
        if (headers == null) {
            headers = visibleFields(received.head(), origin.hiddenFields());
        }
        return headers;
    }

    /**
     * The fields an application may see: not those whose name holds {@code _}, which could pose
     * as another once a gateway maps {@code -} to {@code _} (waitress's rule), nor the proxy
     * fields not believed.
     */
    private static HeaderFields visibleFields(RequestHead head, java.util.Set<String> hidden) {
        String[] pairs = new String[2 * head.fieldCount()];
        int kept = 0;
        for (int i = 0; i < head.fieldCount(); i++) {
            String name = head.fieldName(i);
            if (name.indexOf('_') < 0 && !hidden.contains(name)) {
                pairs[2 * kept] = name;
                pairs[2 * kept + 1] = head.fieldValue(i);
                kept++;
            }
        }
        return HeaderFields.wrap(pairs, kept);
    }

    @Override
    public InputStream body() {
        if (body == null) {
            try {
                body = received.bodyStream();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the request body", e);
            }
        }
        return body;
    }

    @Override
    public long bodyLength() {
        return received.bodyLength();
    }

    @Override
    public String toString() {
        return received.head().toString();
    }
}

package dev.usher.dispatcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

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
    private HeaderFields headers;
    private InputStream body;

    ServedRequest(MountPoint mount, ReceivedRequest received, RequestTarget target, String scriptName,
            String pathInfo) {
        this.mount = mount;
        this.received = received;
        this.target = target;
        this.scriptName = scriptName;
        this.pathInfo = pathInfo;
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
            RequestHead head = received.head();
            headers = HeaderFields.wrap(head.fieldPairs(), head.fieldCount());
        }
        return headers;
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
